#include "spool.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <system_error>

#include <nlohmann/json.hpp>

#include "files.h"
#include "log.h"
#include "payload.h"
#include "state_directory.h"

namespace pulse {
namespace {

constexpr std::string_view kSuffix = ".json";
constexpr std::string_view kRejectedSuffix = ".json.rejected";
// RFC 3339 with milliseconds and Z: "2026-11-28T10:52:29.123Z".
constexpr std::size_t kTimestampLength = 24;
// Where the timestamp has its ':'s, which file names carry as
// time_separator_in_file_names().
constexpr std::array<std::size_t, 2> kTimeColons = {13, 16};

std::string with_time_separators(std::string timestamp, char from, char to) {
  for (std::size_t position : kTimeColons) {
    if (position < timestamp.size() && timestamp[position] == from) timestamp[position] = to;
  }
  return timestamp;
}
// A live write holds its temp file for milliseconds; one this old belongs to
// a writer killed before its rename, and nobody will ever finish it.
constexpr auto kStaleTempFileAge = std::chrono::hours(1);

bool is_event_file(const std::filesystem::path& path, std::string_view suffix) {
  const std::string name = path.filename().string();
  return !name.starts_with(".") && name.ends_with(suffix);
}

// The event files in `dir` whose names end in one of `suffixes`, oldest first.
std::vector<std::filesystem::path> event_files(const std::filesystem::path& dir,
                                               std::initializer_list<std::string_view> suffixes) {
  std::vector<std::filesystem::path> files;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    if (!std::filesystem::is_regular_file(entry.symlink_status(error))) continue;
    for (std::string_view suffix : suffixes) {
      if (is_event_file(entry.path(), suffix)) files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Renames `file` to "<name><suffix>"; an empty string on success, else why not.
std::string move_aside(const std::filesystem::path& file, std::string_view suffix) {
  std::filesystem::path aside = file;
  aside += suffix;
  std::error_code error;
  std::filesystem::rename(file, aside, error);
  return error ? error.message() : "";
}

// Files in the state directory are read without following a link another
// user may have planted, and never beyond what an event holds.
std::optional<std::string> read_spool_file(const std::filesystem::path& file) {
  return read_bounded_file_if_exists(file, kMaxSystemFileSize, Symlinks::refuse);
}

bool is_base64url(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  });
}

}  // namespace

std::string spool_file_name(const StoredEvent& event) {
  return with_time_separators(event.timestamp, ':', time_separator_in_file_names()) + "-" +
         event.id + std::string(kSuffix);
}

std::optional<StoredEvent> parse_spool_file(const std::string& name, const std::string& content) {
  if (name.size() <= kTimestampLength + 1 + kSuffix.size() || !name.ends_with(kSuffix) ||
      name[kTimestampLength] != '-') {
    return std::nullopt;
  }
  StoredEvent event;
  event.timestamp = with_time_separators(name.substr(0, kTimestampLength),
                                         time_separator_in_file_names(), ':');
  event.id = name.substr(kTimestampLength + 1,
                         name.size() - kTimestampLength - 1 - kSuffix.size());
  if (!is_base64url(event.id)) return std::nullopt;
  auto json = nlohmann::json::parse(content, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return std::nullopt;
  auto timestamp = json.find("timestamp");
  auto kind = json.find("event");
  if (timestamp == json.end() || kind == json.end() || !timestamp->is_string() ||
      !kind->is_string() || timestamp->get<std::string>() != event.timestamp) {
    return std::nullopt;
  }
  event.payload = content;
  return event;
}

Spool::Spool(std::filesystem::path dir, std::size_t max_events)
    : dir_(std::move(dir)), max_events_(max_events) {}

void Spool::add(const StoredEvent& event) {
  create_directories(dir_, 0700);
  check_trusted_directory(dir_, "spool directory");
  write_file_atomically(dir_ / spool_file_name(event), event.payload, 0600);
  auto files = kept();
  for (std::size_t excess = files.size() > max_events_ ? files.size() - max_events_ : 0, i = 0;
       i < excess; ++i) {
    log::warning("spool holds more than " + std::to_string(max_events_) +
                 " events (spool.max_events); dropped the oldest, " +
                 files[i].filename().string());
    remove(files[i]);
  }
  remove_stale_temp_files();
}

void Spool::remove_stale_temp_files() const {
  const auto stale_before = std::filesystem::file_time_type::clock::now() - kStaleTempFileAge;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir_, error)) {
    if (!std::filesystem::is_regular_file(entry.symlink_status(error)) ||
        !is_atomic_write_temp_file(entry.path().filename().string())) {
      continue;
    }
    const auto written = entry.last_write_time(error);
    if (error || written >= stale_before) continue;
    if (std::filesystem::remove(entry.path(), error)) {
      log::warning("removed '" + entry.path().string() + "', left by an interrupted spool write");
    }
  }
}

std::vector<std::filesystem::path> Spool::pending() const {
  check_trusted_directory(dir_, "spool directory");
  return event_files(dir_, {kSuffix});
}

std::vector<std::filesystem::path> Spool::kept() const {
  return event_files(dir_, {kSuffix, kRejectedSuffix});
}

std::optional<StoredEvent> Spool::read(const std::filesystem::path& file) const {
  std::optional<std::string> content;
  try {
    content = read_spool_file(file);
    if (!content) return std::nullopt;  // delivered by someone else meanwhile
  } catch (const std::system_error& error) {
    if (error.code() != std::errc::file_too_large) throw;
  }
  if (content) {
    if (auto event = parse_spool_file(file.filename().string(), *content)) return event;
  }
  if (std::string error = move_aside(file, ".corrupt"); !error.empty()) {
    log::warning("spool file '" + file.string() + "' is not a valid event; cannot move it aside: " +
                 error);
  } else {
    log::warning("spool file '" + file.string() + "' is not a valid event; moved it to '" +
                 file.filename().string() + ".corrupt'");
  }
  return std::nullopt;
}

void Spool::reject(const std::filesystem::path& file, const std::string& reason) const {
  const std::string what = "spooled event " + file.filename().string() + " refused: " + reason;
  if (std::string error = move_aside(file, ".rejected"); !error.empty()) {
    log::error(what + "; cannot move it aside, so it stays in the queue: " + error);
  } else {
    log::error(what + "; kept as " + file.filename().string() +
               ".rejected for a person to look at, not retried");
  }
}

void Spool::remove(const std::filesystem::path& file) const {
  std::error_code error;
  std::filesystem::remove(file, error);
}

std::optional<StoredEvent> Spool::retime(const StoredEvent& event,
                                         Clock::time_point happened) const {
  const std::filesystem::path file = dir_ / spool_file_name(event);
  std::optional<std::string> content = read_spool_file(file);
  if (!content || !parse_spool_file(file.filename().string(), *content)) return std::nullopt;
  auto payload = nlohmann::ordered_json::parse(*content);
  StoredEvent moved{event.id, format_timestamp(happened), ""};
  payload["timestamp"] = moved.timestamp;
  moved.payload = to_body(payload);
  const std::filesystem::path moved_file = dir_ / spool_file_name(moved);
  if (moved_file == file) return event;
  // Written before the old file goes: a crash in between leaves the event
  // twice, under one id (the Idempotency-Key), rather than not at all.
  write_file_atomically(moved_file, moved.payload, 0600);
  remove(file);
  log::info("the clock was set: spooled event " + event.id + " made at " + event.timestamp +
            " now carries " + moved.timestamp);
  return moved;
}

}  // namespace pulse
