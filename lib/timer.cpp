#include "timer.h"

#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
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

bool Timer::acknowledge() {
  std::uint64_t expirations = 0;
  return ::read(fd_, &expirations, sizeof expirations) == static_cast<ssize_t>(sizeof expirations);
}

}  // namespace pulse
