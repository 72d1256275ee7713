#include "status_report.h"

#include <system_error>

#include "files.h"
#include "lock_probe.h"

namespace pulse {
namespace {

std::optional<SpoolCounts> count_spool(const std::filesystem::path& dir,
                                       std::vector<std::string>& problems) {
  SpoolCounts counts;
  std::error_code error;
  std::filesystem::directory_iterator entries(dir, error);
  if (error == std::errc::no_such_file_or_directory) return counts;
  for (; !error && entries != std::filesystem::directory_iterator(); entries.increment(error)) {
    const std::string name = entries->path().filename().string();
    if (name.starts_with(".")) continue;  // temp files of a write in progress
    if (name.ends_with(".json")) ++counts.waiting;
    if (name.ends_with(".rejected")) ++counts.rejected;
    if (name.ends_with(".corrupt")) ++counts.corrupt;
  }
  if (!error) return counts;
  problems.push_back("cannot count the spool: cannot read " + describe_file_error(dir, error));
  return std::nullopt;
}

std::optional<DaemonStatus> read_status_file(const std::filesystem::path& file,
                                             std::vector<std::string>& problems) {
  std::optional<std::string> text;
  try {
    // In the state directory: no link another user planted is followed.
    text = read_bounded_file_if_exists(file, kMaxSystemFileSize, Symlinks::refuse);
  } catch (const std::system_error& error) {
    problems.push_back(error.what() + std::string(" (the status file)"));
    return std::nullopt;
  }
  if (!text) return std::nullopt;
  auto status = parse_daemon_status(*text);
  if (!status) problems.push_back("'" + file.string() + "' is not a status file this version reads");
  return status;
}

Verdict verdict_of(const StatusReport& report) {
  if (!report.running) return Verdict::unknown;
  if (!*report.running) return Verdict::stopped;
  if (!report.daemon) return Verdict::unknown;
  const auto& last = report.daemon->last_event;
  return !last || last->outcome == "delivered" ? Verdict::ok : Verdict::failing;
}

}  // namespace

StatusReport gather_status(const std::filesystem::path& state_dir) {
  StatusReport report;
  report.state_dir = state_dir;
  const LockProbe lock = probe_lock(state_dir / "pulse.lock");
  if (lock.holder == LockProbe::Holder::cannot_tell) {
    report.problems.push_back(lock.problem);
  } else {
    report.running = lock.holder == LockProbe::Holder::someone;
  }
  const std::filesystem::path file = status_file_path(state_dir);
  report.daemon = read_status_file(file, report.problems);
  if (report.running.value_or(false) && !report.daemon && report.problems.empty()) {
    report.problems.push_back("a run holds the state directory but wrote no '" + file.string() +
                              "' (an older version?)");
  }
  report.spool = count_spool(state_dir / "spool", report.problems);
  report.verdict = verdict_of(report);
  return report;
}

std::string_view verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::ok: return "ok";
    case Verdict::failing: return "failing";
    case Verdict::stopped: return "stopped";
    case Verdict::unknown: return "unknown";
  }
  return "unknown";
}

}  // namespace pulse
