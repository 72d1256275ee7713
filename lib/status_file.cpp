#include "status_file.h"

#include <nlohmann/json.hpp>
#include <system_error>

#include "files.h"
#include "log.h"

namespace pulse {
namespace {

using nlohmann::ordered_json;

// Bumped only for a change that older readers would misread.
constexpr int kFormat = 1;

ordered_json or_null(const std::optional<std::string>& value) {
  return value ? ordered_json(*value) : ordered_json(nullptr);
}

bool read_string(const nlohmann::json& object, const char* key, std::string& out) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return false;
  out = it->get<std::string>();
  return true;
}

}  // namespace

std::filesystem::path status_file_path(const std::filesystem::path& state_dir) {
  return state_dir / "status.json";
}

std::string to_json(const DaemonStatus& status) {
  ordered_json json = {{"format", kFormat},
                       {"pid", status.pid},
                       {"started", status.started},
                       {"server", status.server},
                       {"transport", status.transport},
                       {"last_event", nullptr},
                       {"next_heartbeat", status.next_heartbeat.empty()
                                              ? ordered_json(nullptr)
                                              : ordered_json(status.next_heartbeat)},
                       {"retry_at", or_null(status.retry_at)},
                       {"last_error", nullptr}};
  if (const auto& event = status.last_event) {
    json["last_event"] = {
        {"event", event->event}, {"outcome", event->outcome}, {"time", event->time}};
  }
  if (const auto& error = status.last_error) {
    json["last_error"] = {{"time", error->time}, {"message", error->message}};
  }
  return json.dump() + "\n";
}

std::optional<DaemonStatus> parse_daemon_status(std::string_view text) {
  const auto json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded() || !json.is_object() || json.value("format", 0) != kFormat) {
    return std::nullopt;
  }
  DaemonStatus status;
  const auto pid = json.find("pid");
  if (pid == json.end() || !pid->is_number_integer()) return std::nullopt;
  status.pid = pid->get<long>();
  if (!read_string(json, "started", status.started) ||
      !read_string(json, "server", status.server) ||
      !read_string(json, "transport", status.transport)) {
    return std::nullopt;
  }
  read_string(json, "next_heartbeat", status.next_heartbeat);
  const auto event = json.find("last_event");
  if (event != json.end() && event->is_object()) {
    EventRecord record;
    if (!read_string(*event, "event", record.event) ||
        !read_string(*event, "outcome", record.outcome) ||
        !read_string(*event, "time", record.time)) {
      return std::nullopt;
    }
    status.last_event = record;
  }
  std::string retry_at;
  if (read_string(json, "retry_at", retry_at)) status.retry_at = retry_at;
  const auto error = json.find("last_error");
  if (error != json.end() && error->is_object()) {
    ErrorRecord record;
    if (!read_string(*error, "time", record.time) ||
        !read_string(*error, "message", record.message)) {
      return std::nullopt;
    }
    status.last_error = record;
  }
  return status;
}

void StatusFile::publish(const DaemonStatus& status) {
  if (written_ == status) return;
  try {
    // Readable by others: it holds nothing secret, and the state directory's
    // mode decides who may look (`status` as an unprivileged user).
    write_file_atomically(path_, to_json(status), 0644);
    written_ = status;
  } catch (const std::system_error& error) {
    if (!warned_) log::warning(std::string(error.what()) + "; `pharos-pulse status` cannot tell");
    warned_ = true;
  }
}

}  // namespace pulse
