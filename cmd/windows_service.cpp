// pharos-pulse service install|uninstall: register `pharos-pulse run` with the
// Windows Service Control Manager, or remove it.
#include <windows.h>

#include <cstdio>
#include <memory>

#include "commands.h"
#include "platform/windows_error.h"
#include "platform/windows_service_setup.h"
#include "platform/windows_text.h"

namespace pulse::cmd {
namespace {

struct ServiceOptions {
  std::string start = "auto";
};

std::filesystem::path this_program() {
  std::wstring path(MAX_PATH, L'\0');
  for (;;) {
    const DWORD length = GetModuleFileNameW(nullptr, path.data(), static_cast<DWORD>(path.size()));
    if (length == 0) throw windows::last_error("cannot find pharos-pulse.exe's own path");
    if (length < path.size()) return path.substr(0, length);
    path.resize(path.size() * 2);
  }
}

// `run` with the global options given to `service install`, paths made
// absolute: a service starts in %SystemRoot%\System32.
std::wstring service_command_line(const CLI::App& app) {
  std::wstring line = windows::quote_argument(this_program().wstring()) + L" run";
  for (const GivenOption& option : given_global_options(app)) {
    line += L" " + windows::widen(option.flag);
    if (!option.value) continue;
    line += L" " + windows::quote_argument(option.names_path
                                               ? std::filesystem::absolute(*option.value).wstring()
                                               : windows::widen(*option.value));
  }
  return line;
}

ExitCode run_install(const ServiceOptions& options, const CLI::App& app,
                     const GlobalOptions& globals) {
  resolve_settings(globals);  // the same checks `run` makes, before registering it
  windows::install_service(service_command_line(app), options.start == "auto"
                                                          ? windows::StartType::automatic
                                                          : windows::StartType::manual);
  std::printf(
      "installed the service pharos-pulse (start: %s); start it with "
      "'sc start pharos-pulse'\n",
      options.start.c_str());
  return ExitCode::ok;
}

ExitCode run_uninstall(const GlobalOptions& globals) {
  resolve_settings(globals);
  windows::uninstall_service();
  std::printf("removed the service pharos-pulse\n");
  return ExitCode::ok;
}

}  // namespace

Subcommand register_service(CLI::App& app, const GlobalOptions& globals) {
  auto options = std::make_shared<ServiceOptions>();
  CLI::App* sub = app.add_subcommand("service", "Install or remove the Windows service");
  sub->require_subcommand(1);
  CLI::App* install = sub->add_subcommand(
      "install", "Register 'pharos-pulse run' (with these global options) as a service");
  install->add_option("--start", options->start, "auto (at boot, the default) or manual")
      ->check(CLI::IsMember({"auto", "manual"}));
  CLI::App* uninstall = sub->add_subcommand("uninstall", "Stop and remove the service");
  return {sub, [options, install, uninstall, &app, &globals] {
            if (install->parsed()) return run_install(*options, app, globals);
            if (uninstall->parsed()) return run_uninstall(globals);
            return ExitCode::usage;
          }};
}

}  // namespace pulse::cmd
