// pharos-pulse run: the daemon (contract §9).
#include <memory>

#include "commands.h"
#include "daemon.h"
#include "service_host.h"

namespace pulse::cmd {
namespace {

struct RunOptions {
  std::optional<std::string> interval;
  std::optional<std::string> jitter;
  std::optional<std::string> shutdown_timeout;
};

std::optional<Duration> duration_flag(const std::optional<std::string>& text, const char* flag,
                                      bool allow_zero) {
  if (!text) return std::nullopt;
  auto duration = parse_duration(*text);
  if (!duration || (!allow_zero && duration->count() == 0)) {
    throw Failure(ExitCode::usage, std::string("invalid ") + flag + " '" + *text +
                                       "' (use ms, s, m, h, e.g. 90s or 1h30m)");
  }
  return duration;
}

ExitCode run_run(const RunOptions& options, const GlobalOptions& globals) {
  DaemonOverrides overrides{duration_flag(options.interval, "--interval", false),
                            duration_flag(options.jitter, "--jitter", true),
                            duration_flag(options.shutdown_timeout, "--shutdown-timeout", false)};
  const auto daemon = [&] {
    return run_daemon([&globals] { return resolve_settings(globals, SettingsFor::daemon); },
                      overrides);
  };
  return host_daemon(daemon);
}

}  // namespace

Subcommand register_run(CLI::App& app, const GlobalOptions& globals) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* sub = app.add_subcommand("run", "Run the daemon: ONLINE, hourly HEARTBEAT, OFFLINE");
  sub->add_option("--interval", options->interval, "Heartbeat interval (default 60m)")
      ->type_name("D");
  sub->add_option("--jitter", options->jitter, "Random extra delay per heartbeat (default 5m)")
      ->type_name("D");
  sub->add_option("--shutdown-timeout", options->shutdown_timeout,
                  "Time from SIGTERM to exit, OFFLINE included (default 5s)")
      ->type_name("D");
  return {sub, [options, &globals] { return run_run(*options, globals); }};
}

}  // namespace pulse::cmd
