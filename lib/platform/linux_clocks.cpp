#include <time.h>

#include "schedule.h"

namespace pulse {
namespace {

Duration read_clock(clockid_t id) {
  timespec now{};
  clock_gettime(id, &now);
  return std::chrono::duration_cast<Duration>(std::chrono::seconds(now.tv_sec) +
                                              std::chrono::nanoseconds(now.tv_nsec));
}

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
