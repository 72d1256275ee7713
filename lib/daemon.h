// The presence lifecycle of contract §9: ONLINE at start, a HEARTBEAT every
// interval, OFFLINE on SIGTERM/SIGINT; one thread, one poll loop, asleep
// between events.
#pragma once

#include <functional>
#include <optional>

#include "failure.h"
#include "settings.h"

namespace pulse {

// `run`'s own flags, which win over the config on every (re)load.
struct DaemonOverrides {
  std::optional<Duration> interval;
  std::optional<Duration> jitter;
  std::optional<Duration> shutdown_timeout;
};

// Loads the settings in force; called at start and on SIGHUP. Throws Failure.
using SettingsLoader = std::function<Settings()>;

// Runs until SIGTERM or SIGINT. Throws Failure for a bad start (config, key,
// or another instance: ExitCode::temp_fail).
ExitCode run_daemon(const SettingsLoader& load, const DaemonOverrides& overrides);

}  // namespace pulse
