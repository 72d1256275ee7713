#include "platform/posix_clock.h"
#include "schedule.h"

namespace pulse {
namespace {

class LinuxClocks : public Clocks {
 public:
  Duration boottime() const override { return read_clock(CLOCK_BOOTTIME); }
  Duration monotonic() const override { return read_clock(CLOCK_MONOTONIC); }
  Duration realtime() const override { return read_clock(CLOCK_REALTIME); }
};

}  // namespace

const Clocks& system_clocks() {
  static const LinuxClocks clocks;
  return clocks;
}

}  // namespace pulse
