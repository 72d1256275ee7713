#include "platform/posix_clock.h"
#include "schedule.h"

namespace pulse {
namespace {

// On macOS CLOCK_MONOTONIC goes on while the machine sleeps (Linux's
// CLOCK_BOOTTIME) and CLOCK_UPTIME_RAW stops (Linux's CLOCK_MONOTONIC).
class MacosClocks : public Clocks {
 public:
  Duration boottime() const override { return read_clock(CLOCK_MONOTONIC); }
  Duration monotonic() const override { return read_clock(CLOCK_UPTIME_RAW); }
  Duration realtime() const override { return read_clock(CLOCK_REALTIME); }
};

}  // namespace

const Clocks& system_clocks() {
  static const MacosClocks clocks;
  return clocks;
}

}  // namespace pulse
