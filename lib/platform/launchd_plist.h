// The launch daemon that runs the agent on macOS: one template for the file
// `pharos-pulse service install` writes and examples/launchd/ ships (a unit
// test keeps the example equal to launchd_plist(kLaunchdDefaultArguments)).
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace pulse {

inline constexpr std::string_view kLaunchdLabel = "net.pharos.pulse";
inline constexpr std::string_view kLaunchdPlistPath =
    "/Library/LaunchDaemons/net.pharos.pulse.plist";
inline constexpr std::string_view kLaunchdLogPath = "/var/log/pharos-pulse.log";
// launchd's time between SIGTERM and SIGKILL: room above
// heartbeat.shutdown_timeout (5 s by default) for the OFFLINE, as systemd's
// TimeoutStopSec=20s leaves. launchd's own default is 20 s too, but said
// here it survives a change of that default.
inline constexpr std::chrono::seconds kLaunchdExitTimeout{20};

// Where packaging/macos/install.sh puts the binary, and what the job runs.
inline const std::vector<std::string> kLaunchdDefaultArguments = {
    "/usr/local/bin/pharos-pulse", "run"};

// The plist for a job running `arguments` (the program first), each escaped
// for XML.
std::string launchd_plist(const std::vector<std::string>& arguments);

}  // namespace pulse
