#include "files.h"

#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <utility>

#include "random.h"

namespace pulse {
namespace {

std::system_error errno_error(const std::string& what, const std::filesystem::path& path) {
  return std::system_error(errno, std::generic_category(), what + " '" + path.string() + "'");
}

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

void write_all(int fd, std::string_view data, const std::filesystem::path& path) {
  while (!data.empty()) {
    ssize_t written = ::write(fd, data.data(), data.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      throw errno_error("cannot write", path);
    }
    data.remove_prefix(static_cast<size_t>(written));
  }
}

std::filesystem::path directory_of(const std::filesystem::path& path) {
  std::filesystem::path dir = path.parent_path();
  return dir.empty() ? "." : dir;
}

void fsync_directory(const std::filesystem::path& dir) {
  FileDescriptor fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() >= 0) ::fsync(fd.get());
}

// The whole new file under a temp name beside `path`, on disk with its final
// mode and owner, ready to be renamed or linked into place.
std::filesystem::path write_temp_file(const std::filesystem::path& path, std::string_view data,
                                      mode_t mode, const std::optional<FileOwner>& owner) {
  std::filesystem::path temp =
      directory_of(path) / ("." + path.filename().string() + "." + random_token(8) + ".tmp");
  FileDescriptor fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
  if (fd.get() < 0) throw errno_error("cannot create", temp);
  try {
    struct stat made {};
    if (owner && ::fstat(fd.get(), &made) == 0 &&
        (made.st_uid != owner->user || made.st_gid != owner->group) &&
        ::fchown(fd.get(), static_cast<uid_t>(owner->user), static_cast<gid_t>(owner->group)) !=
            0) {
      throw errno_error("cannot chown", temp);
    }
    // The umask must not widen or narrow the mode the caller asked for.
    if (::fchmod(fd.get(), mode) != 0) throw errno_error("cannot chmod", temp);
    write_all(fd.get(), data, temp);
    if (::fsync(fd.get()) != 0) throw errno_error("cannot fsync", temp);
    if (::close(fd.release()) != 0) throw errno_error("cannot close", temp);
  } catch (...) {
    ::unlink(temp.c_str());
    throw;
  }
  return temp;
}

}  // namespace

std::optional<std::string> read_file_if_exists(const std::filesystem::path& path) {
  return read_bounded_file_if_exists(path, std::string().max_size(), Symlinks::follow);
}

// O_NONBLOCK: a FIFO put in a file's place must not hang the open.
std::optional<std::string> read_bounded_file_if_exists(const std::filesystem::path& path,
                                                       std::size_t limit, Symlinks symlinks) {
  const int no_follow = symlinks == Symlinks::refuse ? O_NOFOLLOW : 0;
  FileDescriptor fd(
      ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | no_follow));
  if (fd.get() < 0) {
    if (errno == ENOENT) return std::nullopt;
    throw errno_error("cannot open", path);
  }
  std::string content;
  char buffer[8192];
  for (;;) {
    ssize_t got = ::read(fd.get(), buffer, sizeof buffer);
    if (got < 0) {
      if (errno == EINTR) continue;
      throw errno_error("cannot read", path);
    }
    if (got == 0) break;
    if (static_cast<std::size_t>(got) > limit - content.size()) {
      throw std::system_error(EFBIG, std::generic_category(),
                              "'" + path.string() + "' holds more than " +
                                  std::to_string(limit / 1024) + " KiB");
    }
    content.append(buffer, static_cast<size_t>(got));
  }
  return content;
}

void write_file_atomically(const std::filesystem::path& path, std::string_view data,
                           mode_t mode) {
  write_file_atomically(path, data, mode, std::nullopt);
}

void write_file_atomically(const std::filesystem::path& path, std::string_view data, mode_t mode,
                           const std::optional<FileOwner>& owner) {
  const std::filesystem::path temp = write_temp_file(path, data, mode, owner);
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const std::system_error error = errno_error("cannot rename to", path);
    ::unlink(temp.c_str());
    throw error;
  }
  fsync_directory(directory_of(path));
}

// link(2) fails with EEXIST where rename(2) would replace.
bool create_file_atomically(const std::filesystem::path& path, std::string_view data,
                            mode_t mode) {
  const std::filesystem::path temp = write_temp_file(path, data, mode, std::nullopt);
  const int linked = ::link(temp.c_str(), path.c_str());
  const int link_errno = errno;
  ::unlink(temp.c_str());
  if (linked != 0 && link_errno == EEXIST) return false;
  if (linked != 0) {
    errno = link_errno;
    throw errno_error("cannot create", path);
  }
  fsync_directory(directory_of(path));
  return true;
}

std::optional<FileAccess> existing_file_access(const std::filesystem::path& path) {
  struct stat status {};
  if (::stat(path.c_str(), &status) != 0) {
    if (errno == ENOENT) return std::nullopt;
    throw errno_error("cannot stat", path);
  }
  return FileAccess{static_cast<mode_t>(status.st_mode & 07777), {status.st_uid, status.st_gid}};
}

std::optional<FileOwner> owner_with_group(const char* name) {
  if (::geteuid() != 0) return std::nullopt;
  const struct group* found = ::getgrnam(name);
  if (found == nullptr) return std::nullopt;
  return FileOwner{::geteuid(), found->gr_gid};
}

bool is_atomic_write_temp_file(std::string_view name) {
  return name.starts_with(".") && name.ends_with(".tmp");
}

void create_directories(const std::filesystem::path& dir, mode_t mode) {
  if (dir.empty() || std::filesystem::is_directory(dir)) return;
  create_directories(dir.parent_path(), mode);
  if (::mkdir(dir.c_str(), mode) != 0 && errno != EEXIST) throw errno_error("cannot create directory", dir);
}

int open_for_reading(const std::filesystem::path& path) {
  return ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
}

bool can_create_files_in(const std::filesystem::path& dir) {
  return ::access(dir.c_str(), W_OK | X_OK) == 0;
}

char time_separator_in_file_names() { return ':'; }

std::string describe_file_error(const std::filesystem::path& path, const std::error_code& error) {
  return "'" + path.string() + "': " + error.message();
}

}  // namespace pulse
