// One process at a time: the daemon, a send and a status take turns on the
// spool through a lock file.
#pragma once

#include <filesystem>
#include <string>

namespace pulse {

// An exclusive lock on a file (flock(2), LockFileEx on Windows), released
// when this goes away.
class FileLock {
 public:
  // Blocks until the lock is held when `wait`, else returns an unlocked
  // object when another process holds it. Creates the file (and directory),
  // never through a symlink; a directory others may have prepared is
  // Failure(configuration) (state_directory.h).
  FileLock(const std::filesystem::path& path, bool wait);
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock();

  bool held() const { return fd_ >= 0 && held_; }
  // Replaces the file's content (the daemon writes its pid).
  void write_content(const std::string& content) const;
  // The content the holder wrote.
  static std::string read_content(const std::filesystem::path& path);

 private:
  int fd_ = -1;
  bool held_ = false;
};

}  // namespace pulse
