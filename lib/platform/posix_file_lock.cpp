#include "file_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "files.h"
#include "state_directory.h"

namespace pulse {

FileLock::FileLock(const std::filesystem::path& path, bool wait) {
  // 0755: unprivileged runs read the values root keeps there (contract §3).
  create_directories(path.parent_path(), 0755);
  check_trusted_directory(path.parent_path(), "state directory");
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600);
  if (fd_ < 0) {
    throw std::system_error(errno, std::generic_category(), "cannot open '" + path.string() + "'");
  }
  int result;
  do {
    result = ::flock(fd_, LOCK_EX | (wait ? 0 : LOCK_NB));
  } while (result != 0 && errno == EINTR);
  if (result == 0) {
    held_ = true;
  } else if (errno != EWOULDBLOCK) {
    throw std::system_error(errno, std::generic_category(), "cannot lock '" + path.string() + "'");
  }
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);
}

void FileLock::write_content(const std::string& content) const {
  if (::ftruncate(fd_, 0) != 0 ||
      ::pwrite(fd_, content.data(), content.size(), 0) != static_cast<ssize_t>(content.size())) {
    throw std::system_error(errno, std::generic_category(), "cannot write lock file");
  }
}

}  // namespace pulse
