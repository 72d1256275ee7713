// How `run` hosts the daemon on this system. Windows: as the service when the
// Service Control Manager started the process, else in the console. Linux
// and macOS: as it is, since systemd and launchd run a service in the
// foreground.
#pragma once

#include <functional>

#include "failure.h"

namespace pulse {

ExitCode host_daemon(const std::function<ExitCode()>& daemon);

}  // namespace pulse
