#include "file_lock.h"

#include <fcntl.h>
#include <io.h>
#include <share.h>
#include <sys/stat.h>
#include <windows.h>

#include <cerrno>
#include <system_error>

#include "files.h"
#include "platform/windows_error.h"

namespace pulse {
namespace {

// Windows locks are mandatory: a locked byte cannot be read by others. The
// lock therefore covers one byte far past the content, which stays readable
// (a second `run` reports the holder's pid from it).
OVERLAPPED lock_range() {
  OVERLAPPED range{};
  range.Offset = 0;
  range.OffsetHigh = 0x7fffffff;
  return range;
}

HANDLE handle_of(int fd) { return reinterpret_cast<HANDLE>(_get_osfhandle(fd)); }

}  // namespace

FileLock::FileLock(const std::filesystem::path& path, bool wait) {
  create_directories(path.parent_path(), 0700);
  if (_wsopen_s(&fd_, path.c_str(), _O_RDWR | _O_CREAT | _O_BINARY | _O_NOINHERIT, _SH_DENYNO,
                _S_IREAD | _S_IWRITE) != 0) {
    throw std::system_error(errno, std::generic_category(), "cannot open '" + path.string() + "'");
  }
  OVERLAPPED range = lock_range();
  const DWORD flags = LOCKFILE_EXCLUSIVE_LOCK | (wait ? 0 : LOCKFILE_FAIL_IMMEDIATELY);
  if (LockFileEx(handle_of(fd_), flags, 0, 1, 0, &range)) {
    held_ = true;
  } else if (GetLastError() != ERROR_LOCK_VIOLATION) {
    throw windows::last_error("cannot lock '" + path.string() + "'");
  }
}

// Closing the file releases the lock.
FileLock::~FileLock() {
  if (fd_ >= 0) _close(fd_);
}

void FileLock::write_content(const std::string& content) const {
  if (_chsize_s(fd_, 0) != 0 || _lseeki64(fd_, 0, SEEK_SET) != 0 ||
      _write(fd_, content.data(), static_cast<unsigned>(content.size())) !=
          static_cast<int>(content.size())) {
    throw std::system_error(errno, std::generic_category(), "cannot write lock file");
  }
}

}  // namespace pulse
