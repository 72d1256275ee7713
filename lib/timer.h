// A timerfd: one readable descriptor that the daemon's poll waits on.
#pragma once

#include <time.h>

#include "duration.h"

namespace pulse {

class Timer {
 public:
  explicit Timer(clockid_t clock);
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;
  ~Timer();

  int fd() const { return fd_; }
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
  int fd_ = -1;
};

}  // namespace pulse
