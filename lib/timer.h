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
  // Consumes expirations; true when the timer had fired.
  bool acknowledge();

 private:
  int fd_ = -1;
};

}  // namespace pulse
