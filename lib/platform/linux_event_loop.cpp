// The Linux loop: every source is a descriptor the kernel makes readable (a
// signalfd, timerfds), so one poll without a timeout waits for them all and
// an idle daemon makes no system calls at all.
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <limits>
#include <system_error>

#include "event_loop.h"
#include "platform/posix_descriptor.h"
#include "platform/posix_signals.h"

namespace pulse {
namespace {

std::system_error last_error(const char* what) {
  return std::system_error(errno, std::generic_category(), what);
}

timespec to_timespec(Duration duration) {
  const auto milliseconds = std::max<Duration::rep>(duration.count(), 0);
  return {static_cast<time_t>(milliseconds / 1000),
          static_cast<long>(milliseconds % 1000) * 1'000'000};
}

// Blocks the daemon's signals for the process (they stay blocked after the
// loop, see open_system_event_loop) and opens a signalfd for them.
Descriptor open_signals() {
  sigset_t set;
  sigemptyset(&set);
  for (int signal : kRequestSignals) sigaddset(&set, signal);
  if (sigprocmask(SIG_BLOCK, &set, nullptr) != 0) throw last_error("cannot block signals");
  Descriptor fd(signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC));
  if (fd.get() < 0) throw last_error("cannot open signalfd");
  return fd;
}

Descriptor open_timer(clockid_t clock) {
  Descriptor fd(timerfd_create(clock, TFD_NONBLOCK | TFD_CLOEXEC));
  if (fd.get() < 0) throw last_error("cannot create timer");
  return fd;
}

// Consumes a timer's expirations; true when it had fired, or for the clock
// change timer, when the clock changed.
bool acknowledge(const Descriptor& timer) {
  std::uint64_t expirations = 0;
  const ssize_t length = ::read(timer.get(), &expirations, sizeof expirations);
  return length == static_cast<ssize_t>(sizeof expirations) || (length < 0 && errno == ECANCELED);
}

class LinuxEventLoop final : public EventLoop {
 public:
  LinuxEventLoop()
      : signals_(open_signals()),
        deadline_(open_timer(CLOCK_BOOTTIME)),
        watchdog_(open_timer(CLOCK_MONOTONIC)),
        clock_change_(open_timer(CLOCK_REALTIME)) {
    watch_for_clock_change();
  }

  const Clocks& clocks() const override { return system_clocks(); }

  void ping_every(Duration period) override {
    itimerspec spec{};
    spec.it_value = to_timespec(period);
    spec.it_interval = spec.it_value;
    timerfd_settime(watchdog_.get(), 0, &spec, nullptr);
  }

  Wakeup wait_until(Duration deadline) override {
    itimerspec spec{};
    spec.it_value = to_timespec(deadline);
    // A zero it_value would disarm the timer; one nanosecond fires at once.
    if (spec.it_value.tv_sec == 0 && spec.it_value.tv_nsec == 0) spec.it_value.tv_nsec = 1;
    timerfd_settime(deadline_.get(), TFD_TIMER_ABSTIME, &spec, nullptr);

    std::array<pollfd, 4> fds{{{signals_.get(), POLLIN, 0},
                               {deadline_.get(), POLLIN, 0},
                               {watchdog_.get(), POLLIN, 0},
                               {clock_change_.get(), POLLIN, 0}}};
    if (::poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR) throw last_error("poll");
    acknowledge(deadline_);
    return take();
  }

  Wakeup take() override {
    Wakeup wakeup;
    wakeup.watchdog_due = acknowledge(watchdog_);
    signalfd_siginfo info{};
    while (::read(signals_.get(), &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
      wakeup.signals.push_back(signal_of(static_cast<int>(info.ssi_signo)));
    }
    if (acknowledge(clock_change_)) {
      watch_for_clock_change();
      wakeup.clock_changed = true;
    }
    return wakeup;
  }

  std::vector<Waitable> wake_sources() const override {
    return {signals_.get(), watchdog_.get()};
  }

 private:
  // Fires only when the wall clock is set or the machine resumes from a
  // suspend (the kernel reports both as a clock set), so a resume is seen at
  // once without waking up to look. Armed again after each firing.
  void watch_for_clock_change() {
    itimerspec spec{};
    // A deadline that is never reached: only the cancellation wakes us.
    spec.it_value.tv_sec = std::numeric_limits<time_t>::max() / 2;
    if (timerfd_settime(clock_change_.get(), TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &spec,
                        nullptr) != 0) {
      throw last_error("cannot watch for clock changes");
    }
  }

  Descriptor signals_;
  Descriptor deadline_;
  Descriptor watchdog_;
  Descriptor clock_change_;
};

}  // namespace

std::unique_ptr<EventLoop> open_system_event_loop() { return std::make_unique<LinuxEventLoop>(); }

}  // namespace pulse
