// The sd_notify(3) protocol: a datagram to $NOTIFY_SOCKET per state change.
// Without NOTIFY_SOCKET every call does nothing.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "duration.h"

namespace pulse {

class ServiceNotifier {
 public:
  // Reads NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID from the environment.
  ServiceNotifier();
  ServiceNotifier(const ServiceNotifier&) = delete;
  ServiceNotifier& operator=(const ServiceNotifier&) = delete;
  ~ServiceNotifier();

  void notify(std::string_view state) const;  // e.g. "READY=1", "STATUS=…"

  // How often to send WATCHDOG=1 (half of WATCHDOG_USEC), when asked to.
  std::optional<Duration> watchdog_interval() const { return watchdog_interval_; }

 private:
  // Not used on macOS, where launchd has no such protocol.
  [[maybe_unused]] int fd_ = -1;
  [[maybe_unused]] std::string address_;
  std::optional<Duration> watchdog_interval_;
};

}  // namespace pulse
