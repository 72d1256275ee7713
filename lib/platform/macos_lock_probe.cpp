#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "files.h"
#include "lock_probe.h"

namespace pulse {

// macOS has no /proc/locks. Its lock manager, as the BSDs', keeps flock(2)
// and fcntl(2) locks of a file in one list, so F_GETLK for the whole file
// sees a FileLock's flock without taking it.
LockProbe probe_lock(const std::filesystem::path& lock_file) {
  const int fd = ::open(lock_file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return {LockProbe::Holder::none, ""};
    return {LockProbe::Holder::cannot_tell,
            "cannot look at " + describe_file_error(lock_file, {errno, std::generic_category()})};
  }
  struct flock wanted {};
  wanted.l_type = F_WRLCK;
  wanted.l_whence = SEEK_SET;  // l_start 0, l_len 0: the whole file
  const int result = ::fcntl(fd, F_GETLK, &wanted);
  const int error = errno;
  ::close(fd);
  if (result != 0) {
    return {LockProbe::Holder::cannot_tell,
            "cannot ask who locks " + describe_file_error(lock_file, {error, std::generic_category()})};
  }
  return {wanted.l_type == F_UNLCK ? LockProbe::Holder::none : LockProbe::Holder::someone, ""};
}

}  // namespace pulse
