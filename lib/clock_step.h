// Spooled events that follow the wall clock when it is set (contract §6). A
// node without a real-time clock boots with a stale time and gets NTP later;
// the events it made before then carry that stale time. The boot-time clock
// is never set, so where it stood when an event was made tells, once the
// wall clock is right, when the event really happened.
#pragma once

#include <cstddef>
#include <vector>

#include "event.h"
#include "schedule.h"
#include "spool.h"

namespace pulse {

// A moment on both clocks.
struct ClockReading {
  Clock::time_point wall;
  Duration boottime;
};

class ClockStepFollower {
 public:
  explicit ClockStepFollower(const Clocks& clocks) : clocks_(clocks) {}

  // Now, for an event about to be made.
  ClockReading now() const;

  // Remembers an event made at `made` that went to `spool`; forgets those
  // no longer pending there, so only this process's waiting events are kept.
  void remember(const StoredEvent& event, ClockReading made, const Spool& spool);

  // After the wall clock was set: each remembered event still pending gets
  // the time it really happened by the clock now in force (a difference
  // under a second is left alone). Returns how many were moved. Throws
  // std::system_error when the spool cannot be written.
  std::size_t follow(const Spool& spool);

 private:
  struct Made {
    StoredEvent event;
    ClockReading at;
  };

  const Clocks& clocks_;
  std::vector<Made> events_;
};

}  // namespace pulse
