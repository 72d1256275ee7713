// Requests that Windows delivers on threads of its own - the console's
// control handler, the service control handler - for the daemon's one
// thread. They are queued under the POSIX signal numbers logs name them by
// (SIGTERM, SIGINT, SIGHUP, SIGUSR1), with an event that is set while any
// wait, so the event loop (windows_event_loop.cpp) sees them.
#pragma once

#include <windows.h>

#include <functional>
#include <mutex>
#include <vector>

namespace pulse::windows {

// Windows has neither; the service control codes that stand for them
// (PARAMCHANGE: reload, 128: heartbeat now) are posted under these numbers.
inline constexpr int SIGHUP = 1;
inline constexpr int SIGUSR1 = 10;

class ControlInbox {
 public:
  static ControlInbox& instance();
  ControlInbox(const ControlInbox&) = delete;
  ControlInbox& operator=(const ControlInbox&) = delete;

  // From any thread.
  void post(int signal);
  // Requests posted since the last call; never blocks.
  std::vector<int> take();
  // Manual-reset: set from post() until take().
  HANDLE event() const { return event_; }
  // Called by post() as well, for a wait that cannot watch event(): libcurl's
  // poll, which takes sockets only. Empty: none.
  void set_wake_hook(std::function<void()> hook);

  // A resume from suspend or a change of the wall clock (the service hears of
  // both), which the daemon checks for a suspend, as it does on Linux when
  // CLOCK_REALTIME is set.
  void post_clock_change();
  // Manual-reset: set by post_clock_change() until reset by the one watching.
  HANDLE clock_change_event() const { return clock_change_event_; }

 private:
  ControlInbox();

  std::mutex mutex_;
  std::vector<int> pending_;
  std::function<void()> wake_hook_;
  HANDLE event_;
  HANDLE clock_change_event_;
};

}  // namespace pulse::windows
