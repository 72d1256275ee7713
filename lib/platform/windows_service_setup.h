// Registering the agent with the Service Control Manager, which
// `pharos-pulse service install|uninstall` does (administrators only).
#pragma once

#include <string>

namespace pulse::windows {

enum class StartType { automatic, manual };

// Registers the service (LocalSystem) to run `command_line` ("<exe>" run ...),
// with restarts after a failure and a preshutdown time for the OFFLINE.
// Throws Failure: cant_create when it exists already, internal otherwise.
void install_service(const std::wstring& command_line, StartType start);

// Stops the service when it runs (which sends OFFLINE) and removes it.
// Throws Failure.
void uninstall_service();

}  // namespace pulse::windows
