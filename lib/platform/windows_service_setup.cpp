#include "platform/windows_service_setup.h"

#include <windows.h>

#include <chrono>
#include <memory>
#include <thread>

#include "failure.h"
#include "log.h"
#include "platform/windows_error.h"
#include "platform/windows_service.h"

namespace pulse::windows {
namespace {

struct ServiceHandleCloser {
  void operator()(SC_HANDLE handle) const { CloseServiceHandle(handle); }
};
using ServiceHandle = std::unique_ptr<std::remove_pointer_t<SC_HANDLE>, ServiceHandleCloser>;

// Restart after 10 s, 1 min, then every 5 min; a day without failures resets
// the count.
constexpr DWORD kFailureResetSeconds = 24 * 60 * 60;
constexpr SC_ACTION kRestarts[] = {
    {SC_ACTION_RESTART, 10'000}, {SC_ACTION_RESTART, 60'000}, {SC_ACTION_RESTART, 300'000}};
// At shutdown Windows waits this long for the OFFLINE after PRESHUTDOWN:
// heartbeat.shutdown_timeout (5 s by default) with room to spare.
constexpr DWORD kPreshutdownTimeoutMs = 30'000;
constexpr auto kStopWait = std::chrono::seconds(30);

Failure failure(ExitCode code, const std::string& what) {
  return Failure(code, what + ": " + last_error_message());
}

ServiceHandle open_manager(DWORD access) {
  ServiceHandle manager(OpenSCManagerW(nullptr, nullptr, access));
  if (!manager) {
    throw failure(ExitCode::internal,
                  "cannot open the Service Control Manager (run as an administrator)");
  }
  return manager;
}

// Settings the service works without: a failure to set one is a warning.
void configure(SC_HANDLE service) {
  std::wstring description = L"Signed presence (ONLINE, HEARTBEAT, OFFLINE) for a Pharos server";
  SERVICE_DESCRIPTIONW text{description.data()};
  if (!ChangeServiceConfig2W(service, SERVICE_CONFIG_DESCRIPTION, &text)) {
    log::warning("cannot set the service's description: " + last_error_message());
  }
  SERVICE_FAILURE_ACTIONSW actions{};
  actions.dwResetPeriod = kFailureResetSeconds;
  actions.cActions = static_cast<DWORD>(std::size(kRestarts));
  actions.lpsaActions = const_cast<SC_ACTION*>(kRestarts);
  // Restart also after the agent exits with an error, not only after a crash.
  SERVICE_FAILURE_ACTIONS_FLAG on_any_failure{TRUE};
  if (!ChangeServiceConfig2W(service, SERVICE_CONFIG_FAILURE_ACTIONS, &actions) ||
      !ChangeServiceConfig2W(service, SERVICE_CONFIG_FAILURE_ACTIONS_FLAG, &on_any_failure)) {
    log::warning("cannot set the service's recovery actions: " + last_error_message());
  }
  SERVICE_PRESHUTDOWN_INFO preshutdown{kPreshutdownTimeoutMs};
  if (!ChangeServiceConfig2W(service, SERVICE_CONFIG_PRESHUTDOWN_INFO, &preshutdown)) {
    log::warning("cannot set the service's preshutdown time: " + last_error_message());
  }
}

bool is_stopped(SC_HANDLE service) {
  SERVICE_STATUS status{};
  return !QueryServiceStatus(service, &status) || status.dwCurrentState == SERVICE_STOPPED;
}

}  // namespace

void install_service(const std::wstring& command_line, StartType start) {
  ServiceHandle manager = open_manager(SC_MANAGER_CREATE_SERVICE);
  ServiceHandle service(CreateServiceW(
      manager.get(), kServiceName, L"Pharos Pulse", SERVICE_ALL_ACCESS, SERVICE_WIN32_OWN_PROCESS,
      start == StartType::automatic ? SERVICE_AUTO_START : SERVICE_DEMAND_START,
      SERVICE_ERROR_NORMAL, command_line.c_str(), nullptr, nullptr, nullptr, nullptr, nullptr));
  if (!service) {
    if (GetLastError() == ERROR_SERVICE_EXISTS) {
      throw Failure(ExitCode::cant_create,
                    "the service pharos-pulse is installed already; "
                    "run 'pharos-pulse service uninstall' first");
    }
    throw failure(ExitCode::internal, "cannot create the service pharos-pulse");
  }
  configure(service.get());
}

void uninstall_service() {
  ServiceHandle manager = open_manager(SC_MANAGER_CONNECT);
  ServiceHandle service(
      OpenServiceW(manager.get(), kServiceName, SERVICE_STOP | SERVICE_QUERY_STATUS | DELETE));
  if (!service) {
    if (GetLastError() == ERROR_SERVICE_DOES_NOT_EXIST) {
      throw Failure(ExitCode::usage, "the service pharos-pulse is not installed");
    }
    throw failure(ExitCode::internal, "cannot open the service pharos-pulse");
  }
  SERVICE_STATUS status{};
  if (ControlService(service.get(), SERVICE_CONTROL_STOP, &status)) {
    const auto give_up = std::chrono::steady_clock::now() + kStopWait;
    while (!is_stopped(service.get()) && std::chrono::steady_clock::now() < give_up) {
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
  }
  if (!DeleteService(service.get())) {
    throw failure(ExitCode::internal, "cannot delete the service pharos-pulse");
  }
}

}  // namespace pulse::windows
