// Signals as readable events (signalfd), so the daemon's single poll loop
// sees them and no handler runs at an arbitrary point. On Windows the console
// and service control handlers deliver the same requests under the same
// signal numbers (see platform/windows_control_inbox.h).
#pragma once

#include <initializer_list>
#include <vector>

#include "waitable.h"

namespace pulse {

#ifdef _WIN32
// Windows has neither; the service control codes that stand for them
// (PARAMCHANGE: reload, 128: heartbeat now) arrive under these numbers.
inline constexpr int SIGHUP = 1;
inline constexpr int SIGUSR1 = 10;
#endif

class SignalInbox {
 public:
  // Blocks `signals` for the process and opens a signalfd for them.
  explicit SignalInbox(std::initializer_list<int> signals);
  SignalInbox(const SignalInbox&) = delete;
  SignalInbox& operator=(const SignalInbox&) = delete;
  ~SignalInbox();

  Waitable fd() const { return fd_; }
  // Signals that arrived since the last call; never blocks.
  std::vector<int> take();

 private:
  Waitable fd_{};
};

}  // namespace pulse
