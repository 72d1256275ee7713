#include "lock_probe.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cerrno>
#include <cstdio>
#include <sstream>
#include <system_error>

#include "files.h"

namespace pulse {

std::optional<long> flock_holder(std::string_view proc_locks, dev_t device, ino_t inode) {
  // "1: FLOCK  ADVISORY  WRITE 656 fe:00:10955288 0 EOF"; a waiter's line
  // has "->" after the number and holds nothing.
  char wanted[64];
  std::snprintf(wanted, sizeof wanted, "%02x:%02x:%llu", major(device), minor(device),
                static_cast<unsigned long long>(inode));
  std::istringstream lines{std::string(proc_locks)};
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string number, type, mode, access, pid, file;
    if (!(fields >> number >> type) || type != "FLOCK") continue;
    if (!(fields >> mode >> access >> pid >> file) || file != wanted) continue;
    try {
      return std::stol(pid);
    } catch (const std::exception&) {
      return 0;
    }
  }
  return std::nullopt;
}

LockProbe probe_lock(const std::filesystem::path& lock_file) {
  struct stat info {};
  if (::stat(lock_file.c_str(), &info) != 0) {
    if (errno == ENOENT) return {LockProbe::Holder::none, ""};
    return {LockProbe::Holder::cannot_tell,
            "cannot look at " + describe_file_error(lock_file, {errno, std::generic_category()})};
  }
  const std::filesystem::path proc_locks = "/proc/locks";
  std::optional<std::string> locks;
  try {
    locks = read_file_if_exists(proc_locks);
  } catch (const std::system_error& error) {
    return {LockProbe::Holder::cannot_tell, error.what()};
  }
  if (!locks) return {LockProbe::Holder::cannot_tell, "'/proc/locks' is missing (no /proc?)"};
  if (flock_holder(*locks, info.st_dev, info.st_ino)) return {LockProbe::Holder::someone, ""};
  return {LockProbe::Holder::none, ""};
}

}  // namespace pulse
