// The agent as a Windows service: the Service Control Manager starts
// `pharos-pulse run`, which connects to it here, and stops it with the STOP or
// PRESHUTDOWN control, which the daemon takes as SIGTERM (OFFLINE, then exit).
#pragma once

#include <functional>

#include "failure.h"

namespace pulse::windows {

// The name the service is registered under.
inline constexpr const wchar_t* kServiceName = L"pharos-pulse";
// The user-defined control code that asks for a heartbeat now, as SIGUSR1
// does on Linux: `sc control pharos-pulse 128`.
inline constexpr unsigned long kHeartbeatControl = 128;

// Runs `daemon` as the service the SCM started or, when the SCM did not start
// this process, in the console (Ctrl+C stops it). As a service, the daemon's
// log goes to %ProgramData%\Pharos\pulse.log, since a service has no console.
ExitCode run_as_service_or_in_console(const std::function<ExitCode()>& daemon);

// While running as a service, tell the SCM that the service runs or is
// stopping; in a console, nothing.
void report_service_running();
void report_service_stopping();

}  // namespace pulse::windows
