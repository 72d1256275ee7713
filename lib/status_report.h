// What `pharos-pulse status` finds in a state directory: whether a `run`
// holds it, what that run last wrote to its status file, and the spool.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "failure.h"
#include "status_file.h"

namespace pulse {

struct SpoolCounts {
  std::size_t waiting = 0;   // event files not delivered yet
  std::size_t rejected = 0;  // *.rejected: refused by the server, kept for a person
  std::size_t corrupt = 0;   // *.corrupt: unreadable, moved aside
};

// LSB init-script status codes, as contract §8 says.
enum class Verdict {
  ok = 0,       // running, and the last delivery succeeded (or none yet)
  failing = 1,  // running, but the last delivery failed
  stopped = 3,  // no `run` holds the state directory
  unknown = 4,  // cannot tell, e.g. no permission
};

struct StatusReport {
  std::filesystem::path state_dir;
  Verdict verdict = Verdict::unknown;
  std::optional<bool> running;          // nullopt: cannot tell
  std::optional<DaemonStatus> daemon;   // the status file (of the last run when stopped)
  std::optional<SpoolCounts> spool;     // nullopt: the spool could not be read
  std::vector<std::string> problems;    // what could not be read, and why
};

StatusReport gather_status(const std::filesystem::path& state_dir);

std::string_view verdict_name(Verdict verdict);  // "ok", "failing", "stopped", "unknown"

}  // namespace pulse
