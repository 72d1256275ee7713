#include "timer.h"

#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <limits>
#include <system_error>

namespace pulse {
namespace {

timespec to_timespec(Duration duration) {
  const auto milliseconds = std::max<Duration::rep>(duration.count(), 0);
  return {static_cast<time_t>(milliseconds / 1000), static_cast<long>(milliseconds % 1000) * 1'000'000};
}

}  // namespace

Timer::Timer(clockid_t clock) {
  fd_ = timerfd_create(clock, TFD_NONBLOCK | TFD_CLOEXEC);
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "cannot create timer");
}

Timer::~Timer() {
  if (fd_ >= 0) ::close(fd_);
}

void Timer::fire_at(Duration deadline) {
  itimerspec spec{};
  spec.it_value = to_timespec(deadline);
  // A zero it_value would disarm the timer; one nanosecond fires at once.
  if (spec.it_value.tv_sec == 0 && spec.it_value.tv_nsec == 0) spec.it_value.tv_nsec = 1;
  timerfd_settime(fd_, TFD_TIMER_ABSTIME, &spec, nullptr);
}

void Timer::fire_every(Duration period) {
  itimerspec spec{};
  spec.it_value = to_timespec(period);
  spec.it_interval = spec.it_value;
  timerfd_settime(fd_, 0, &spec, nullptr);
}

void Timer::fire_on_clock_change() {
  itimerspec spec{};
  // A deadline that is never reached: only the cancellation wakes us.
  spec.it_value.tv_sec = std::numeric_limits<time_t>::max() / 2;
  if (timerfd_settime(fd_, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &spec, nullptr) != 0) {
    throw std::system_error(errno, std::generic_category(), "cannot watch for clock changes");
  }
}

bool Timer::acknowledge() {
  std::uint64_t expirations = 0;
  const ssize_t length = ::read(fd_, &expirations, sizeof expirations);
  return length == static_cast<ssize_t>(sizeof expirations) || (length < 0 && errno == ECANCELED);
}

}  // namespace pulse
