// pharos-pulse service install|uninstall: register `pharos-pulse run` with the
// Windows Service Control Manager, or remove it.
#include <windows.h>

#include <cstdio>
#include <memory>

#include "commands.h"
#include "platform/windows_error.h"
#include "platform/windows_service.h"
#include "platform/windows_service_setup.h"
#include "platform/windows_text.h"

namespace pulse::cmd {
namespace {

struct ServiceOptions {
  std::string start = "auto";
};

// CommandLineToArgvW's quoting: backslashes are literal unless they precede
// a quote.
std::wstring quoted(const std::wstring& argument) {
  std::wstring text = L"\"";
  std::size_t backslashes = 0;
  for (wchar_t c : argument) {
    if (c == L'\\') {
      ++backslashes;
      continue;
    }
    text.append(c == L'"' ? backslashes * 2 + 1 : backslashes, L'\\');
    backslashes = 0;
    text += c;
  }
  text.append(backslashes * 2, L'\\');
  return text + L"\"";
}

std::filesystem::path this_program() {
  std::wstring path(MAX_PATH, L'\0');
  for (;;) {
    const DWORD length = GetModuleFileNameW(nullptr, path.data(), static_cast<DWORD>(path.size()));
    if (length == 0) throw windows::last_error("cannot find pharos-pulse.exe's own path");
    if (length < path.size()) return path.substr(0, length);
    path.resize(path.size() * 2);
  }
}

// `run` with the global options given to `service install`, as absolute
// paths: a service starts in %SystemRoot%\System32.
std::wstring service_command_line(const GlobalOptions& globals) {
  std::wstring line = quoted(this_program().wstring()) + L" run";
  auto add = [&line](const wchar_t* flag, const std::wstring& value) {
    line += L" ";
    line += flag;
    line += L" " + quoted(value);
  };
  const SettingFlags& flags = globals.flags;
  if (flags.config_file) add(L"--config", std::filesystem::absolute(*flags.config_file).wstring());
  if (flags.key_file) add(L"--key", std::filesystem::absolute(*flags.key_file).wstring());
  if (flags.state_dir) add(L"--state-dir", std::filesystem::absolute(*flags.state_dir).wstring());
  if (flags.ca_file) add(L"--ca-file", std::filesystem::absolute(*flags.ca_file).wstring());
  if (flags.server_url) add(L"--server", windows::widen(*flags.server_url));
  if (flags.pinned_pubkey) add(L"--pin", windows::widen(*flags.pinned_pubkey));
  if (globals.timeout) add(L"--timeout", windows::widen(*globals.timeout));
  if (globals.verbose > 0) line += L" --verbose";
  return line;
}

ExitCode run_install(const ServiceOptions& options, const GlobalOptions& globals) {
  resolve_settings(globals);  // the same checks `run` makes, before registering it
  windows::install_service(service_command_line(globals), options.start == "auto"
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
  return {sub, [options, install, uninstall, &globals] {
            if (install->parsed()) return run_install(*options, globals);
            if (uninstall->parsed()) return run_uninstall(globals);
            return ExitCode::usage;
          }};
}

}  // namespace pulse::cmd
