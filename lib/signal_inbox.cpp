#include "signal_inbox.h"

#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace pulse {

SignalInbox::SignalInbox(std::initializer_list<int> signals) {
  sigset_t set;
  sigemptyset(&set);
  for (int signal : signals) sigaddset(&set, signal);
  if (sigprocmask(SIG_BLOCK, &set, nullptr) != 0) {
    throw std::system_error(errno, std::generic_category(), "cannot block signals");
  }
  fd_ = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "cannot open signalfd");
}

SignalInbox::~SignalInbox() {
  if (fd_ >= 0) ::close(fd_);
}

std::vector<int> SignalInbox::take() {
  std::vector<int> arrived;
  signalfd_siginfo info{};
  while (::read(fd_, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
    arrived.push_back(static_cast<int>(info.ssi_signo));
  }
  return arrived;
}

}  // namespace pulse
