#include "platform/windows_service.h"

#include <fcntl.h>
#include <io.h>
#include <share.h>
#include <sys/stat.h>
#include <windows.h>

#include <csignal>
#include <mutex>

#include "default_paths.h"
#include "files.h"
#include "platform/windows_control_inbox.h"
#include "platform/windows_error.h"
#include "signal_inbox.h"

namespace pulse::windows {
namespace {

// The SCM thinks a service hung when it reports no progress within the last
// wait hint. Starting reads the config and the key; stopping takes up to
// heartbeat.shutdown_timeout (5 s by default) for the OFFLINE.
constexpr DWORD kStartWaitHintMs = 10'000;
constexpr DWORD kStopWaitHintMs = 30'000;

// The service's state, shared by the service thread and the control handler,
// which the SCM calls on the dispatcher (main) thread.
struct Service {
  std::mutex mutex;
  SERVICE_STATUS_HANDLE handle = nullptr;
  SERVICE_STATUS status{};
  const std::function<ExitCode()>* daemon = nullptr;
  ExitCode exit_code = ExitCode::ok;
};

Service& service() {
  static Service instance;
  return instance;
}

void report(DWORD state, DWORD wait_hint_ms) {
  Service& s = service();
  std::lock_guard lock(s.mutex);
  if (s.handle == nullptr) return;
  s.status.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
  s.status.dwCurrentState = state;
  s.status.dwControlsAccepted = state == SERVICE_RUNNING
                                    ? SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_PRESHUTDOWN |
                                          SERVICE_ACCEPT_PARAMCHANGE | SERVICE_ACCEPT_TIMECHANGE |
                                          SERVICE_ACCEPT_POWEREVENT
                                    : 0;
  const bool pending = state == SERVICE_START_PENDING || state == SERVICE_STOP_PENDING;
  s.status.dwWaitHint = pending ? wait_hint_ms : 0;
  s.status.dwCheckPoint = pending ? s.status.dwCheckPoint + 1 : 0;
  SetServiceStatus(s.handle, &s.status);
}

void report_stopped(ExitCode code) {
  Service& s = service();
  {
    std::lock_guard lock(s.mutex);
    s.status.dwWin32ExitCode = code == ExitCode::ok ? NO_ERROR : ERROR_SERVICE_SPECIFIC_ERROR;
    s.status.dwServiceSpecificExitCode = static_cast<DWORD>(code);
  }
  report(SERVICE_STOPPED, 0);
}

DWORD WINAPI on_service_control(DWORD control, DWORD event_type, void*, void*) {
  auto& inbox = ControlInbox::instance();
  switch (control) {
    case SERVICE_CONTROL_STOP:
    case SERVICE_CONTROL_PRESHUTDOWN:
      report(SERVICE_STOP_PENDING, kStopWaitHintMs);
      inbox.post(SIGTERM);
      return NO_ERROR;
    case SERVICE_CONTROL_PARAMCHANGE:
      inbox.post(SIGHUP);
      return NO_ERROR;
    case kHeartbeatControl:
      inbox.post(SIGUSR1);
      return NO_ERROR;
    case SERVICE_CONTROL_TIMECHANGE:
      inbox.post_clock_change();
      return NO_ERROR;
    case SERVICE_CONTROL_POWEREVENT:
      if (event_type == PBT_APMRESUMEAUTOMATIC) inbox.post_clock_change();
      return NO_ERROR;
    case SERVICE_CONTROL_INTERROGATE:
      return NO_ERROR;
    default:
      return ERROR_CALL_NOT_IMPLEMENTED;
  }
}

// A service has no console: its standard error (the log) goes to
// %ProgramData%\Pharos\pulse.log, appended to.
void log_to_file() {
  const std::filesystem::path file = default_config_file().parent_path() / "pulse.log";
  create_directories(file.parent_path(), 0700);
  int fd = -1;
  if (_wsopen_s(&fd, file.c_str(), _O_WRONLY | _O_CREAT | _O_APPEND | _O_BINARY | _O_NOINHERIT,
                _SH_DENYNO, _S_IREAD | _S_IWRITE) != 0) {
    return;  // nowhere to say so; the service runs without a log
  }
  _dup2(fd, 2);
  _close(fd);
}

void WINAPI service_main(DWORD, wchar_t**) {
  Service& s = service();
  s.handle = RegisterServiceCtrlHandlerExW(kServiceName, on_service_control, nullptr);
  if (s.handle == nullptr) return;
  report(SERVICE_START_PENDING, kStartWaitHintMs);
  log_to_file();
  try {
    s.exit_code = (*s.daemon)();
  } catch (const std::exception& error) {
    s.exit_code = exit_code_for(error);
  }
  report_stopped(s.exit_code);
}

}  // namespace

ExitCode run_as_service_or_in_console(const std::function<ExitCode()>& daemon) {
  service().daemon = &daemon;
  SERVICE_TABLE_ENTRYW table[] = {{const_cast<wchar_t*>(kServiceName), service_main},
                                  {nullptr, nullptr}};
  // Returns once the service has stopped; fails at once in a console.
  if (StartServiceCtrlDispatcherW(table)) return service().exit_code;
  if (GetLastError() != ERROR_FAILED_SERVICE_CONTROLLER_CONNECT) {
    throw last_error("cannot connect to the Service Control Manager");
  }
  return daemon();
}

void report_service_running() { report(SERVICE_RUNNING, 0); }

void report_service_stopping() { report(SERVICE_STOP_PENDING, kStopWaitHintMs); }

}  // namespace pulse::windows
