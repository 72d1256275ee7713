// Every subcommand: register_X binds its options to a subcommand of `app`
// and returns the action main runs when that subcommand was chosen. To add a
// command, write cmd/NAME.cpp with register_NAME and list it in main.cpp.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>

#include "failure.h"
#include "global_options.h"

namespace pulse::cmd {

struct Subcommand {
  CLI::App* app;
  std::function<ExitCode()> run;
};

Subcommand register_keygen(CLI::App& app, const GlobalOptions& globals);
Subcommand register_inspect(CLI::App& app, const GlobalOptions& globals);
Subcommand register_send(CLI::App& app, const GlobalOptions& globals);
Subcommand register_run(CLI::App& app, const GlobalOptions& globals);
Subcommand register_enroll(CLI::App& app, const GlobalOptions& globals);
Subcommand register_status(CLI::App& app, const GlobalOptions& globals);
// Windows and macOS only (cmd/windows_service.cpp, cmd/macos_service.cpp):
// main lists it there.
Subcommand register_service(CLI::App& app, const GlobalOptions& globals);

}  // namespace pulse::cmd
