// The presence lifecycle of contract §9: ONLINE at start, a HEARTBEAT every
// interval, OFFLINE on SIGTERM/SIGINT; one thread, one poll loop, asleep
// between events.
#pragma once

#include <functional>
#include <memory>
#include <optional>

#include "agent.h"
#include "event_loop.h"
#include "failure.h"
#include "random.h"
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

// What the daemon runs on besides its settings: how it waits (its clocks
// come from the loop), its randomness (jitter, backoff) and the channel its
// agent delivers through. Tests pass fakes.
struct DaemonParts {
  std::unique_ptr<EventLoop> loop;
  RandomSource random;
  ChannelFactory open_channel;
};

// The system's event loop, libsodium's randomness and the real channels.
// Throws std::system_error when the loop cannot be made.
DaemonParts system_daemon_parts();

// Runs until SIGTERM or SIGINT. Throws Failure for a bad start (config, key,
// or another instance: ExitCode::temp_fail).
ExitCode run_daemon(const SettingsLoader& load, const DaemonOverrides& overrides,
                    DaemonParts parts = system_daemon_parts());

}  // namespace pulse
