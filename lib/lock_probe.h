// Whether some process holds a FileLock, asked without taking it: a `status`
// that took the lock even for a moment could make a starting `run` fail.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace pulse {

struct LockProbe {
  enum class Holder { none, someone, cannot_tell } holder;
  std::string problem;  // for cannot_tell: what could not be read, and why
};

LockProbe probe_lock(const std::filesystem::path& lock_file);

// Linux: the pid holding a flock(2) on the file with this device and inode,
// found in the text of /proc/locks (0 when the holder is in a pid namespace
// we cannot see); nullopt when nobody holds one.
std::optional<long> flock_holder(std::string_view proc_locks, dev_t device, ino_t inode);

}  // namespace pulse
