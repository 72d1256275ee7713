// What the running daemon is doing, kept in <state dir>/status.json for
// `pharos-pulse status` (contract §8). The daemon rewrites it atomically when
// something in it changes, never on a timer, so an idle daemon stays asleep.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace pulse {

// An event the daemon sent, or its spooled events delivered later.
struct EventRecord {
  std::string event;    // "ONLINE", "HEARTBEAT", "OFFLINE"
  std::string outcome;  // "delivered", "unavailable", "protocol", "refused"
  std::string time;     // RFC 3339 UTC
  bool operator==(const EventRecord&) const = default;
};

struct ErrorRecord {
  std::string time;
  std::string message;
  bool operator==(const ErrorRecord&) const = default;
};

struct DaemonStatus {
  long pid = 0;
  std::string started;
  std::string server;
  std::string transport;  // "https", "http" or "ph"
  std::optional<EventRecord> last_event;
  std::string next_heartbeat;  // empty until the first is scheduled
  std::optional<std::string> retry_at;  // when spooled events are tried again
  std::optional<ErrorRecord> last_error;
  bool operator==(const DaemonStatus&) const = default;
};

std::filesystem::path status_file_path(const std::filesystem::path& state_dir);

std::string to_json(const DaemonStatus& status);
// nullopt when `json` is not a status file this version can read.
std::optional<DaemonStatus> parse_daemon_status(std::string_view json);

// The daemon's writer: one atomic write per change.
class StatusFile {
 public:
  explicit StatusFile(std::filesystem::path path) : path_(std::move(path)) {}

  // Writes `status` unless it is what was written last. A failed write is
  // logged once; the daemon carries on without it.
  void publish(const DaemonStatus& status);

 private:
  std::filesystem::path path_;
  std::optional<DaemonStatus> written_;
  bool warned_ = false;
};

}  // namespace pulse
