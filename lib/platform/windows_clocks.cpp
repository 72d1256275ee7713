#include <windows.h>

#include "schedule.h"

namespace pulse {
namespace {

// The tick count goes on while the machine sleeps or hibernates; the
// unbiased interrupt time (100 ns units) leaves those periods out.
using UnbiasedTicks = std::chrono::duration<ULONGLONG, std::ratio<1, 10'000'000>>;

class WindowsClocks : public Clocks {
 public:
  Duration boottime() const override {
    return std::chrono::duration_cast<Duration>(std::chrono::milliseconds(GetTickCount64()));
  }
  Duration monotonic() const override {
    ULONGLONG ticks = 0;
    QueryUnbiasedInterruptTime(&ticks);
    return std::chrono::duration_cast<Duration>(UnbiasedTicks(ticks));
  }
  Duration realtime() const override {
    return std::chrono::duration_cast<Duration>(
        std::chrono::system_clock::now().time_since_epoch());
  }
};

}  // namespace

const Clocks& system_clocks() {
  static const WindowsClocks clocks;
  return clocks;
}

}  // namespace pulse
