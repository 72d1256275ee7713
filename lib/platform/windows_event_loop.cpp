// The Windows loop: the console's and the service's control requests come
// through the control inbox's event, the deadline and the watchdog's pings
// are waitable timers, and the service hears of clock changes and resumes
// (the inbox's second event); one WaitForMultipleObjects without a time-out
// waits for them all.
#include <windows.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <csignal>

#include "event_loop.h"
#include "platform/windows_control_inbox.h"
#include "platform/windows_error.h"

namespace pulse {
namespace {

using Ticks = std::chrono::duration<LONGLONG, std::ratio<1, 10'000'000>>;
// Far enough to mean never.
constexpr auto kNever = std::chrono::hours(24 * 365 * 100);

BOOL WINAPI on_console_control(DWORD control) {
  auto& inbox = windows::ControlInbox::instance();
  switch (control) {
    case CTRL_C_EVENT:
      inbox.post(SIGINT);
      return TRUE;
    case CTRL_BREAK_EVENT:
      inbox.post(SIGTERM);
      return TRUE;
    case CTRL_CLOSE_EVENT:
    case CTRL_SHUTDOWN_EVENT:
      inbox.post(SIGTERM);
      // Windows ends the process as soon as this handler returns; waiting
      // here gives the daemon its shutdown (OFFLINE), until it exits or the
      // system's own time limit runs out.
      Sleep(INFINITE);
      return TRUE;
    default:
      return FALSE;
  }
}

Signal signal_of(int number) {
  switch (number) {
    case SIGTERM: return {Request::stop, "SIGTERM"};
    case SIGINT: return {Request::stop, "SIGINT"};
    case windows::SIGHUP: return {Request::reload, "SIGHUP"};
    default: return {Request::heartbeat, "SIGUSR1"};
  }
}

HANDLE create_timer() {
  HANDLE timer = CreateWaitableTimerW(nullptr, TRUE, nullptr);
  if (timer == nullptr) throw windows::last_error("cannot create a timer");
  return timer;
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

bool is_set(HANDLE object) { return WaitForSingleObject(object, 0) == WAIT_OBJECT_0; }

class WindowsEventLoop final : public EventLoop {
 public:
  // The console handler stays after the loop (see open_system_event_loop):
  // it only posts to the inbox, which lives as long as the process.
  WindowsEventLoop()
      : inbox_(windows::ControlInbox::instance()),
        deadline_(create_timer()),
        watchdog_(create_timer()) {
    SetConsoleCtrlHandler(on_console_control, TRUE);
  }

  WindowsEventLoop(const WindowsEventLoop&) = delete;
  WindowsEventLoop& operator=(const WindowsEventLoop&) = delete;

  ~WindowsEventLoop() override {
    CloseHandle(deadline_);
    CloseHandle(watchdog_);
  }

  const Clocks& clocks() const override { return system_clocks(); }

  void ping_every(Duration period) override {
    ping_period_ = period;
    set_timer(watchdog_, period, period);
  }

  Wakeup wait_until(Duration deadline) override {
    set_timer(deadline_, deadline - clocks().boottime(), Duration(0));
    const std::array<HANDLE, 4> handles{inbox_event(), deadline_, watchdog_,
                                        clock_change_event()};
    if (WaitForMultipleObjects(static_cast<DWORD>(handles.size()), handles.data(), FALSE,
                               INFINITE) == WAIT_FAILED) {
      throw windows::last_error("WaitForMultipleObjects");
    }
    // Setting a manual-reset timer again is what clears its signal.
    if (is_set(deadline_)) set_timer(deadline_, kNever, Duration(0));
    return take();
  }

  Wakeup take() override {
    Wakeup wakeup;
    if (is_set(watchdog_)) {
      set_timer(watchdog_, ping_period_, ping_period_);
      wakeup.watchdog_due = true;
    }
    for (int number : inbox_.take()) wakeup.signals.push_back(signal_of(number));
    if (is_set(clock_change_event())) {
      ResetEvent(clock_change_event());
      wakeup.clock_changed = true;
    }
    return wakeup;
  }

  std::vector<Waitable> wake_sources() const override {
    return {reinterpret_cast<Waitable>(inbox_event()), reinterpret_cast<Waitable>(watchdog_)};
  }

 private:
  HANDLE inbox_event() const { return inbox_.event(); }
  HANDLE clock_change_event() const { return inbox_.clock_change_event(); }

  windows::ControlInbox& inbox_;
  HANDLE deadline_;
  HANDLE watchdog_;
  Duration ping_period_{};
};

}  // namespace

std::unique_ptr<EventLoop> open_system_event_loop() { return std::make_unique<WindowsEventLoop>(); }

}  // namespace pulse
