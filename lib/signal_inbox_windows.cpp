#include <windows.h>

#include <csignal>

#include "platform/windows_control_inbox.h"
#include "signal_inbox.h"

namespace pulse {
namespace {

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

}  // namespace

// `signals` are the ones the daemon handles; on Windows the console and the
// service control handler produce exactly those.
SignalInbox::SignalInbox(std::initializer_list<int>) {
  fd_ = windows::ControlInbox::instance().event();
  SetConsoleCtrlHandler(on_console_control, TRUE);
}

SignalInbox::~SignalInbox() { SetConsoleCtrlHandler(on_console_control, FALSE); }

std::vector<int> SignalInbox::take() { return windows::ControlInbox::instance().take(); }

}  // namespace pulse
