// Installing the agent as a launch daemon, which `pharos-pulse service
// install|uninstall` does on macOS (root only). The plist comes from
// launchd_plist.h, the one template examples/launchd/ is checked against.
#pragma once

#include <string>
#include <vector>

namespace pulse::macos {

// Writes the launch daemon for `arguments` (the program first) to
// kLaunchdPlistPath, atomically, mode 0644. Throws Failure: cant_create when
// the file exists already or cannot be written.
void install_launch_daemon(const std::vector<std::string>& arguments);

// Removes kLaunchdPlistPath; false when there was none. Throws Failure.
bool uninstall_launch_daemon();

// Runs /bin/launchctl with `arguments` and waits for it: the one child
// process the agent ever starts, and only when the user asks (--now).
// Throws Failure when it cannot be started or exits with an error.
void run_launchctl(const std::vector<std::string>& arguments);

}  // namespace pulse::macos
