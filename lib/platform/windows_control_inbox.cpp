#include "platform/windows_control_inbox.h"

#include <windows.h>

#include <utility>

#include "platform/windows_error.h"

namespace pulse::windows {
namespace {

HANDLE manual_reset_event() {
  HANDLE event = CreateEventW(nullptr, TRUE, FALSE, nullptr);
  if (event == nullptr) throw last_error("cannot create an event");
  return event;
}

}  // namespace

// Never destroyed: control handlers may still run while the process exits.
ControlInbox& ControlInbox::instance() {
  static ControlInbox* inbox = new ControlInbox();
  return *inbox;
}

ControlInbox::ControlInbox()
    : event_(manual_reset_event()), clock_change_event_(manual_reset_event()) {}

void ControlInbox::post(int signal) {
  std::lock_guard lock(mutex_);
  pending_.push_back(signal);
  SetEvent(event_);
  if (wake_hook_) wake_hook_();
}

void ControlInbox::set_wake_hook(std::function<void()> hook) {
  std::lock_guard lock(mutex_);
  wake_hook_ = std::move(hook);
}

std::vector<int> ControlInbox::take() {
  std::lock_guard lock(mutex_);
  ResetEvent(event_);
  return std::exchange(pending_, {});
}

void ControlInbox::post_clock_change() { SetEvent(clock_change_event_); }

}  // namespace pulse::windows
