// The daemon's one seam to how its operating system waits: signals, the
// deadline of the next event, watchdog pings and clock changes, all seen by
// one sleeping thread. Three implementations sit behind it, chosen by CMake
// (PULSE_EVENT_LOOP): Linux (signalfd and timerfds), Windows (wait objects)
// and a portable POSIX one (a self-pipe and poll) for macOS and the BSDs.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "duration.h"
#include "schedule.h"
#include "waitable.h"

namespace pulse {

// What a person or the service manager asked of the daemon.
enum class Request {
  stop,       // SIGTERM, SIGINT; the Windows service's STOP and SHUTDOWN
  reload,     // SIGHUP; PARAMCHANGE
  heartbeat,  // SIGUSR1; service control code 128
};

struct Signal {
  Request request;
  std::string name;  // as logs name it: "SIGTERM", "SIGHUP", …
};

// What happened since the last wait or take.
struct Wakeup {
  std::vector<Signal> signals;  // in the order they arrived
  bool watchdog_due = false;    // a watchdog ping is due
  // The wall clock was set, or (where the system says so) the machine
  // resumed: look at the clocks again.
  bool clock_changed = false;
};

class EventLoop {
 public:
  virtual ~EventLoop() = default;

  // The clocks deadlines are on: boottime() counts time suspended.
  virtual const Clocks& clocks() const = 0;
  // Watchdog pings fall due every `period`, the first one period from now.
  virtual void ping_every(Duration period) = 0;
  // Sleeps until a signal arrives, a ping or `deadline` (on clocks().boottime())
  // is due, or the clock changes. May return earlier with nothing to report
  // (a loop that must look at the clocks itself); the caller looks at what is
  // due and waits again.
  virtual Wakeup wait_until(Duration deadline) = 0;
  // Without sleeping: what arrived since the last wait or take. Network
  // waits call it when one of wake_sources() is readable.
  virtual Wakeup take() = 0;
  // What network waits watch besides their sockets, so a signal or a ping is
  // acted on during an exchange.
  virtual std::vector<Waitable> wake_sources() const = 0;
};

// The loop of the platform this was built for. Takes over SIGTERM, SIGINT,
// SIGHUP and SIGUSR1 (or their Windows equivalents); once it is gone they
// stay held off, so one that arrives while the process exits cannot end it
// with a signal instead of its exit code. Throws std::system_error.
std::unique_ptr<EventLoop> open_system_event_loop();

}  // namespace pulse
