// Undelivered events on disk, one file each, oldest first (contract §6).
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "event.h"

namespace pulse {

class Spool {
 public:
  Spool(std::filesystem::path dir, std::size_t max_events);

  // Writes the event atomically; past max_events (rejected events count too)
  // the oldest are dropped with a warning, and temp files left by a crashed
  // writer are removed. Throws std::system_error when the spool cannot be
  // written, and Failure(configuration) for a directory others may have
  // prepared (state_directory.h).
  void add(const StoredEvent& event);

  // Spooled event files, oldest first; symlinks are no events. Throws
  // Failure(configuration) as add does.
  std::vector<std::filesystem::path> pending() const;

  // Reads one spool file (at most 64 KiB, never through a symlink). A file
  // that is not a valid event is renamed to
  // "<name>.corrupt" (kept for a person to look at, never retried) and
  // nullopt returned.
  std::optional<StoredEvent> read(const std::filesystem::path& file) const;

  void remove(const std::filesystem::path& file) const;

  // Renames a spooled event the server refused to "<name>.rejected": never
  // retried, kept for a person. Logs what happened with `reason`.
  void reject(const std::filesystem::path& file, const std::string& reason) const;

  // Gives a pending event the time it really happened (after the wall
  // clock was set), keeping its id and the rest of its payload. The file is
  // written atomically under its new name, which sorts by that time, and the
  // old one removed. nullopt when the event is no longer pending. Throws
  // std::system_error when the spool cannot be written.
  std::optional<StoredEvent> retime(const StoredEvent& event, Clock::time_point happened) const;

  const std::filesystem::path& dir() const { return dir_; }

 private:
  void remove_stale_temp_files() const;
  // Pending and rejected event files, oldest first: what max_events bounds.
  std::vector<std::filesystem::path> kept() const;

  std::filesystem::path dir_;
  std::size_t max_events_;
};

// The file name of a spooled event: "<timestamp>-<event id>.json".
std::string spool_file_name(const StoredEvent& event);

// Parses a spool file's name and content back into an event; nullopt when
// either is malformed.
std::optional<StoredEvent> parse_spool_file(const std::string& name, const std::string& content);
}  // namespace pulse
