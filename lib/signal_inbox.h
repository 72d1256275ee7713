// Signals as readable events (signalfd), so the daemon's single poll loop
// sees them and no handler runs at an arbitrary point.
#pragma once

#include <initializer_list>
#include <vector>

namespace pulse {

class SignalInbox {
 public:
  // Blocks `signals` for the process and opens a signalfd for them.
  explicit SignalInbox(std::initializer_list<int> signals);
  SignalInbox(const SignalInbox&) = delete;
  SignalInbox& operator=(const SignalInbox&) = delete;
  ~SignalInbox();

  int fd() const { return fd_; }
  // Signals that arrived since the last call; never blocks.
  std::vector<int> take();

 private:
  int fd_ = -1;
};

}  // namespace pulse
