#include "service_notifier.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <utility>

using namespace std::chrono_literals;
using pulse::ServiceNotifier;

namespace {

// Sets (or, with nullopt, removes) environment variables for one test and
// puts the old values back afterwards.
class ScopedEnvironment {
 public:
  using Values = std::initializer_list<std::pair<std::string, std::optional<std::string>>>;
  explicit ScopedEnvironment(Values values) {
    for (const auto& [name, value] : values) {
      const char* old = std::getenv(name.c_str());
      saved_[name] = old ? std::optional<std::string>(old) : std::nullopt;
      set(name, value);
    }
  }
  ScopedEnvironment(const ScopedEnvironment&) = delete;
  ScopedEnvironment& operator=(const ScopedEnvironment&) = delete;
  ~ScopedEnvironment() {
    for (const auto& [name, value] : saved_) set(name, value);
  }

 private:
  static void set(const std::string& name, const std::optional<std::string>& value) {
    if (value) {
      ::setenv(name.c_str(), value->c_str(), 1);
    } else {
      ::unsetenv(name.c_str());
    }
  }

  std::map<std::string, std::optional<std::string>> saved_;
};

// The service manager's end: a datagram socket bound to a path, or to an
// abstract name when the address starts with '@'.
class NotifySocket {
 public:
  explicit NotifySocket(std::string address) : address_(std::move(address)) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_un sun{};
    sun.sun_family = AF_UNIX;
    REQUIRE(address_.size() < sizeof sun.sun_path);
    std::memcpy(sun.sun_path, address_.data(), address_.size());
    socklen_t length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + address_.size());
    if (address_[0] == '@') {
      sun.sun_path[0] = '\0';
    } else {
      ::unlink(address_.c_str());
      length += 1;
    }
    REQUIRE(::bind(fd_, reinterpret_cast<const sockaddr*>(&sun), length) == 0);
  }
  ~NotifySocket() {
    ::close(fd_);
    if (address_[0] != '@') ::unlink(address_.c_str());
  }

  // The next datagram, or nullopt when none arrives within a second.
  std::optional<std::string> receive() const {
    pollfd fd{fd_, POLLIN, 0};
    if (::poll(&fd, 1, 1000) != 1) return std::nullopt;
    char buffer[4096];
    const ssize_t length = ::recv(fd_, buffer, sizeof buffer, 0);
    if (length < 0) return std::nullopt;
    return std::string(buffer, static_cast<std::size_t>(length));
  }

  bool empty() const {
    pollfd fd{fd_, POLLIN, 0};
    return ::poll(&fd, 1, 0) == 0;
  }

 private:
  std::string address_;
  int fd_ = -1;
};

std::string temp_socket_path() {
  return (std::filesystem::temp_directory_path() /
          ("pulse-notify-test-" + std::to_string(::getpid()) + ".sock"))
      .string();
}

}  // namespace

TEST_CASE("service notifier: sends each state as one datagram to a NOTIFY_SOCKET path") {
  const std::string path = temp_socket_path();
  NotifySocket manager(path);
  ScopedEnvironment environment({{"NOTIFY_SOCKET", path}});
  ServiceNotifier notifier;

  notifier.notify("READY=1");
  notifier.notify("STATUS=last: ONLINE delivered; next heartbeat in 1h");
  notifier.notify("STOPPING=1");

  CHECK(manager.receive() == "READY=1");
  CHECK(manager.receive() == "STATUS=last: ONLINE delivered; next heartbeat in 1h");
  CHECK(manager.receive() == "STOPPING=1");
  CHECK(manager.empty());
}

TEST_CASE("service notifier: reaches a socket in the abstract namespace") {
  const std::string name = "@pulse-notify-test-" + std::to_string(::getpid());
  NotifySocket manager(name);
  ScopedEnvironment environment({{"NOTIFY_SOCKET", name}});
  ServiceNotifier notifier;

  notifier.notify("WATCHDOG=1");
  CHECK(manager.receive() == "WATCHDOG=1");
}

TEST_CASE("service notifier: without NOTIFY_SOCKET nothing is sent and nothing fails") {
  ScopedEnvironment environment({{"NOTIFY_SOCKET", std::nullopt},
                                 {"WATCHDOG_USEC", std::nullopt},
                                 {"WATCHDOG_PID", std::nullopt}});
  ServiceNotifier notifier;
  notifier.notify("READY=1");
  CHECK_FALSE(notifier.watchdog_interval().has_value());
}

TEST_CASE("service notifier: a socket nobody listens on is not an error") {
  const std::string path = temp_socket_path() + ".gone";
  ScopedEnvironment environment({{"NOTIFY_SOCKET", path}});
  ServiceNotifier notifier;
  notifier.notify("READY=1");
  SUCCEED("a lost notification does not stop the daemon");
}

TEST_CASE("service notifier: a relative NOTIFY_SOCKET is ignored") {
  ScopedEnvironment environment({{"NOTIFY_SOCKET", "relative/notify.sock"}});
  ServiceNotifier notifier;
  notifier.notify("READY=1");
  SUCCEED();
}

TEST_CASE("service notifier: the watchdog is pinged at half of WATCHDOG_USEC") {
  SECTION("for this process") {
    ScopedEnvironment environment(
        {{"WATCHDOG_USEC", "400000"}, {"WATCHDOG_PID", std::to_string(::getpid())}});
    ServiceNotifier notifier;
    REQUIRE(notifier.watchdog_interval().has_value());
    CHECK(*notifier.watchdog_interval() == 200ms);
  }
  SECTION("when WATCHDOG_PID is not set") {
    ScopedEnvironment environment({{"WATCHDOG_USEC", "30000000"}, {"WATCHDOG_PID", std::nullopt}});
    ServiceNotifier notifier;
    REQUIRE(notifier.watchdog_interval().has_value());
    CHECK(*notifier.watchdog_interval() == 15s);
  }
  SECTION("a tiny value still gives a usable period") {
    ScopedEnvironment environment({{"WATCHDOG_USEC", "1"}, {"WATCHDOG_PID", std::nullopt}});
    ServiceNotifier notifier;
    REQUIRE(notifier.watchdog_interval().has_value());
    CHECK(notifier.watchdog_interval()->count() > 0);
  }
}

TEST_CASE("service notifier: no watchdog when it is meant for another process or malformed") {
  SECTION("another pid") {
    ScopedEnvironment environment(
        {{"WATCHDOG_USEC", "400000"}, {"WATCHDOG_PID", std::to_string(::getpid() + 1)}});
    CHECK_FALSE(ServiceNotifier().watchdog_interval().has_value());
  }
  SECTION("zero") {
    ScopedEnvironment environment({{"WATCHDOG_USEC", "0"}, {"WATCHDOG_PID", std::nullopt}});
    CHECK_FALSE(ServiceNotifier().watchdog_interval().has_value());
  }
  SECTION("not a number") {
    ScopedEnvironment environment({{"WATCHDOG_USEC", "soon"}, {"WATCHDOG_PID", std::nullopt}});
    CHECK_FALSE(ServiceNotifier().watchdog_interval().has_value());
  }
  SECTION("unset") {
    ScopedEnvironment environment(
        {{"WATCHDOG_USEC", std::nullopt}, {"WATCHDOG_PID", std::nullopt}});
    CHECK_FALSE(ServiceNotifier().watchdog_interval().has_value());
  }
}
