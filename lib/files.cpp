#include "files.h"

#include <fcntl.h>
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

void fsync_directory(const std::filesystem::path& dir) {
  FileDescriptor fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() >= 0) ::fsync(fd.get());
}

}  // namespace

std::optional<std::string> read_file_if_exists(const std::filesystem::path& path) {
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
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
    content.append(buffer, static_cast<size_t>(got));
  }
  return content;
}

void write_file_atomically(const std::filesystem::path& path, std::string_view data,
                           mode_t mode) {
  std::filesystem::path dir = path.parent_path();
  if (dir.empty()) dir = ".";
  std::filesystem::path temp =
      dir / ("." + path.filename().string() + "." + random_token(8) + ".tmp");
  FileDescriptor fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
  if (fd.get() < 0) throw errno_error("cannot create", temp);
  try {
    // The umask must not widen or narrow the mode the caller asked for.
    if (::fchmod(fd.get(), mode) != 0) throw errno_error("cannot chmod", temp);
    write_all(fd.get(), data, temp);
    if (::fsync(fd.get()) != 0) throw errno_error("cannot fsync", temp);
    if (::close(fd.release()) != 0) throw errno_error("cannot close", temp);
    if (::rename(temp.c_str(), path.c_str()) != 0) throw errno_error("cannot rename to", path);
  } catch (...) {
    ::unlink(temp.c_str());
    throw;
  }
  fsync_directory(dir);
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

std::string describe_file_error(const std::filesystem::path& path, const std::error_code& error) {
  return "'" + path.string() + "': " + error.message();
}

}  // namespace pulse
