// pharos-pulse status: what the `run` holding the state directory is doing,
// for a person or, with --json, for monitoring (contract §8, exit codes of
// LSB init scripts).
#include <cstdio>
#include <cstdlib>
#include <memory>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "log.h"
#include "settings.h"
#include "status_report.h"

namespace pulse::cmd {
namespace {

struct StatusOptions {
  bool json = false;
};

void row(const char* label, const std::string& value) {
  std::printf("  %-16s %s\n", label, value.c_str());
}

std::string headline(const StatusReport& report) {
  const auto& daemon = report.daemon;
  const std::string since =
      daemon ? " (pid " + std::to_string(daemon->pid) + ", since " + daemon->started + ")" : "";
  switch (report.verdict) {
    case Verdict::ok:
      return "running" + since +
             (daemon->last_event ? "; the last delivery succeeded" : "; no event sent yet");
    case Verdict::failing: return "running" + since + "; the last delivery failed";
    case Verdict::stopped: return "not running: no run holds the state directory";
    case Verdict::unknown: break;
  }
  return report.running.value_or(false) ? "running, but cannot tell how it is doing"
                                        : "cannot tell whether it is running";
}

void print_for_person(const StatusReport& report) {
  std::printf("pharos-pulse: %s\n", headline(report).c_str());
  row("state dir", report.state_dir.empty() ? "(unknown)" : report.state_dir.string());
  if (const auto& daemon = report.daemon) {
    if (report.verdict == Verdict::stopped) {
      row("last run", "pid " + std::to_string(daemon->pid) + ", started " + daemon->started);
    }
    row("server", daemon->server + " (" + daemon->transport + ")");
    const auto& event = daemon->last_event;
    row("last event", event ? event->event + " " + event->outcome + " at " + event->time
                            : "none yet");
    if (report.verdict != Verdict::stopped) {
      row("next heartbeat", daemon->next_heartbeat);
      if (daemon->retry_at) row("retry at", *daemon->retry_at);
    }
    if (const auto& error = daemon->last_error) {
      row("last error", error->message + " (at " + error->time + ")");
    }
  }
  if (const auto& spool = report.spool) {
    row("spool", std::to_string(spool->waiting) + " waiting, " +
                     std::to_string(spool->rejected) + " rejected, " +
                     std::to_string(spool->corrupt) + " corrupt");
  }
}

// The stable shape documented in docs/status.schema.json.
void print_json(const StatusReport& report) {
  nlohmann::ordered_json json = {
      {"status", verdict_name(report.verdict)},
      {"running", report.running ? nlohmann::ordered_json(*report.running) : nullptr},
      {"state_dir", report.state_dir.empty() ? nlohmann::ordered_json(nullptr)
                                             : nlohmann::ordered_json(report.state_dir.string())},
      {"daemon", nullptr},
      {"spool", nullptr},
      {"problems", report.problems}};
  if (report.daemon) {
    auto daemon = nlohmann::ordered_json::parse(to_json(*report.daemon));
    daemon.erase("format");
    json["daemon"] = std::move(daemon);
  }
  if (const auto& spool = report.spool) {
    json["spool"] = {
        {"waiting", spool->waiting}, {"rejected", spool->rejected}, {"corrupt", spool->corrupt}};
  }
  std::printf("%s\n", json.dump(2).c_str());
}

// The state directory in force. A config this user cannot read (it is
// usually root's) does not stop `status` when --state-dir or the
// environment names the directory.
std::optional<std::filesystem::path> state_dir_in_force(const GlobalOptions& globals,
                                                        std::string& problem) {
  try {
    return resolve_settings(globals).state_dir;
  } catch (const Failure& failure) {
    if (globals.flags.state_dir) return *globals.flags.state_dir;
    if (const char* dir = std::getenv("PHAROS_PULSE_STATE_DIR"); dir && *dir) return dir;
    problem = std::string(failure.what()) + "; name the state directory with --state-dir";
    return std::nullopt;
  }
}

ExitCode run_status(const StatusOptions& options, const GlobalOptions& globals) {
  std::string problem;
  StatusReport report;
  if (auto state_dir = state_dir_in_force(globals, problem)) {
    report = gather_status(*state_dir);
  } else {
    report.problems.push_back(problem);
  }
  for (const auto& line : report.problems) log::warning(line);
  if (options.json) {
    print_json(report);
  } else {
    print_for_person(report);
  }
  return static_cast<ExitCode>(report.verdict);
}

}  // namespace

Subcommand register_status(CLI::App& app, const GlobalOptions& globals) {
  auto options = std::make_shared<StatusOptions>();
  CLI::App* sub = app.add_subcommand("status", "Show what the running agent is doing");
  sub->add_flag("--json", options->json, "Print one JSON object (docs/status.schema.json)");
  return {sub, [options, &globals] { return run_status(*options, globals); }};
}

}  // namespace pulse::cmd
