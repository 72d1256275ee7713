#include <windows.h>

#include <algorithm>
#include <chrono>

#include "platform/windows_control_inbox.h"
#include "platform/windows_error.h"
#include "schedule.h"
#include "timer.h"

namespace pulse {
namespace {

using Ticks = std::chrono::duration<LONGLONG, std::ratio<1, 10'000'000>>;
// Far enough to mean never.
constexpr auto kNever = std::chrono::hours(24 * 365 * 100);

Duration now_on(clockid_t clock) {
  return clock == CLOCK_MONOTONIC ? system_clocks().monotonic() : system_clocks().boottime();
}

// A negative due time is relative; at least one tick, since zero would not
// fire.
void set_timer(HANDLE timer, Duration delay, Duration period) {
  LARGE_INTEGER due;
  due.QuadPart = -std::max<LONGLONG>(std::chrono::duration_cast<Ticks>(delay).count(), 1);
  const auto period_ms =
      static_cast<LONG>(std::chrono::duration_cast<std::chrono::milliseconds>(period).count());
  if (!SetWaitableTimer(timer, &due, period_ms, nullptr, nullptr, FALSE)) {
    throw windows::last_error("cannot set a timer");
  }
}

}  // namespace

// A CLOCK_REALTIME timer is only ever used to learn of clock changes, which
// the service control handler reports through the control inbox.
Timer::Timer(clockid_t clock) : clock_(clock) {
  if (clock == CLOCK_REALTIME) {
    fd_ = windows::ControlInbox::instance().clock_change_event();
    return;
  }
  fd_ = CreateWaitableTimerW(nullptr, TRUE, nullptr);
  if (fd_ == nullptr) throw windows::last_error("cannot create a timer");
}

Timer::~Timer() {
  if (clock_ != CLOCK_REALTIME) CloseHandle(fd_);
}

void Timer::fire_at(Duration deadline) {
  period_ = Duration(0);
  set_timer(fd_, deadline - now_on(clock_), period_);
}

void Timer::fire_every(Duration period) {
  period_ = period;
  set_timer(fd_, period, period);
}

// Windows has no descriptor that a clock change cancels: the service
// control handler sets the inbox's event on SERVICE_CONTROL_TIMECHANGE and
// on a resume, so there is nothing to arm. A console run learns of a resume
// at its next wake-up.
void Timer::fire_on_clock_change() {}

bool Timer::acknowledge() {
  if (WaitForSingleObject(fd_, 0) != WAIT_OBJECT_0) return false;
  if (clock_ == CLOCK_REALTIME) {
    ResetEvent(fd_);
  } else {
    // Setting a manual-reset timer again is what clears its signal.
    set_timer(fd_, period_.count() > 0 ? period_ : Duration(kNever), period_);
  }
  return true;
}

}  // namespace pulse
