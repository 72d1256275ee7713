// pharos-pulse service install|uninstall: write `pharos-pulse run` as a
// launchd job in /Library/LaunchDaemons, or remove it; with --now, also load
// or unload it with launchctl.
#include <mach-o/dyld.h>

#include <cstdint>
#include <cstdio>
#include <memory>

#include "commands.h"
#include "log.h"
#include "platform/launchd_plist.h"
#include "platform/macos_service_setup.h"

namespace pulse::cmd {
namespace {

struct ServiceOptions {
  bool now = false;
};

const std::string kPlistPath(kLaunchdPlistPath);
const std::string kJobTarget = "system/" + std::string(kLaunchdLabel);

std::filesystem::path this_program() {
  std::uint32_t size = 0;
  ::_NSGetExecutablePath(nullptr, &size);
  std::string path(size, '\0');
  if (::_NSGetExecutablePath(path.data(), &size) != 0) {
    throw Failure(ExitCode::internal, "cannot find pharos-pulse's own path");
  }
  path.resize(path.find('\0'));
  // The path it was started by may hold symlinks and "..".
  return std::filesystem::weakly_canonical(path);
}

// `run` with the global options given to `service install`, paths made
// absolute: launchd starts a job in /.
std::vector<std::string> job_arguments(const CLI::App& app) {
  std::vector<std::string> arguments{this_program().string(), "run"};
  for (const GivenOption& option : given_global_options(app)) {
    arguments.push_back(option.flag);
    if (!option.value) continue;
    arguments.push_back(option.names_path ? std::filesystem::absolute(*option.value).string()
                                          : *option.value);
  }
  return arguments;
}

ExitCode run_install(const ServiceOptions& options, const CLI::App& app,
                     const GlobalOptions& globals) {
  resolve_settings(globals);  // the same checks `run` makes, before installing it
  macos::install_launch_daemon(job_arguments(app));
  if (options.now) {
    macos::run_launchctl({"bootstrap", "system", kPlistPath});
    std::printf("installed and started the launch daemon %s\n", kPlistPath.c_str());
  } else {
    std::printf("installed the launch daemon %s; start it with "
                "'sudo launchctl bootstrap system %s'\n",
                kPlistPath.c_str(), kPlistPath.c_str());
  }
  return ExitCode::ok;
}

ExitCode run_uninstall(const ServiceOptions& options, const GlobalOptions& globals) {
  resolve_settings(globals);
  if (options.now) {
    // bootout fails when the job is not loaded, which leaves nothing to stop.
    try {
      macos::run_launchctl({"bootout", kJobTarget});
    } catch (const Failure& failure) {
      log::warning(failure.what());
    }
  }
  if (!macos::uninstall_launch_daemon()) {
    std::printf("no launch daemon %s to remove\n", kPlistPath.c_str());
  } else if (options.now) {
    std::printf("stopped and removed the launch daemon %s\n", kPlistPath.c_str());
  } else {
    std::printf("removed the launch daemon %s; stop it with 'sudo launchctl bootout %s'\n",
                kPlistPath.c_str(), kJobTarget.c_str());
  }
  return ExitCode::ok;
}

}  // namespace

Subcommand register_service(CLI::App& app, const GlobalOptions& globals) {
  auto options = std::make_shared<ServiceOptions>();
  CLI::App* sub = app.add_subcommand("service", "Install or remove the launchd job");
  sub->require_subcommand(1);
  CLI::App* install = sub->add_subcommand(
      "install",
      "Write 'pharos-pulse run' (with these global options) to " + kPlistPath);
  install->add_flag("--now", options->now, "Also start it: launchctl bootstrap");
  CLI::App* uninstall = sub->add_subcommand("uninstall", "Remove " + kPlistPath);
  uninstall->add_flag("--now", options->now, "Stop it first (OFFLINE): launchctl bootout");
  return {sub, [options, install, uninstall, &app, &globals] {
            if (install->parsed()) return run_install(*options, app, globals);
            if (uninstall->parsed()) return run_uninstall(*options, globals);
            return ExitCode::usage;
          }};
}

}  // namespace pulse::cmd
