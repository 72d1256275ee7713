// A timerfd: one readable descriptor that the daemon's poll waits on (on
// Windows a waitable timer handle).
#pragma once

#include <time.h>

#include "duration.h"
#include "waitable.h"

#ifdef _WIN32
// MinGW's <time.h> stops at CLOCK_MONOTONIC. On Windows this clock is the
// tick count, which like Linux's CLOCK_BOOTTIME counts time suspended.
#define CLOCK_BOOTTIME 7
#endif

namespace pulse {

class Timer {
 public:
  explicit Timer(clockid_t clock);
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;
  ~Timer();

  Waitable fd() const { return fd_; }
  // Fires once when `clock` reaches `deadline` (at once if it has passed).
  void fire_at(Duration deadline);
  // Fires every `period`, the first time one period from now.
  void fire_every(Duration period);
  // For a CLOCK_REALTIME timer: fires only when the wall clock is set or the
  // machine resumes from a suspend (the kernel reports both as a clock set,
  // TFD_TIMER_CANCEL_ON_SET), so the daemon learns of a resume at once
  // without waking up to look. Call again after each firing.
  void fire_on_clock_change();
  // Consumes expirations; true when the timer had fired (or, for
  // fire_on_clock_change, the clock changed).
  bool acknowledge();

 private:
  Waitable fd_{};
#ifdef _WIN32
  // A waitable timer stays signalled until it is set again, so acknowledge()
  // re-arms it: with the period of fire_every, or not to fire at all.
  clockid_t clock_;
  Duration period_{};
#endif
};

}  // namespace pulse
