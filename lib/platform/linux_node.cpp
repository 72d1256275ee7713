#include "platform/linux.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <system_error>

#include "failure.h"
#include "files.h"

namespace pulse {
namespace {

std::optional<std::string> read_start_if_exists(const std::filesystem::path& path,
                                                std::size_t limit) {
  const int fd = open_for_reading(path);
  if (fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    throw std::system_error(errno, std::generic_category(), "cannot open '" + path.string() + "'");
  }
  std::string content(limit, '\0');
  std::size_t length = 0;
  while (length < limit) {
    const ssize_t got = ::read(fd, content.data() + length, limit - length);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      const int error = errno;
      ::close(fd);
      throw std::system_error(error, std::generic_category(),
                              "cannot read '" + path.string() + "'");
    }
    if (got == 0) break;
    length += static_cast<std::size_t>(got);
  }
  ::close(fd);
  content.resize(length);
  return content;
}

}  // namespace

LinuxNode node_below(const std::filesystem::path& root) {
  auto below = [root](const std::filesystem::path& path) { return root / path.relative_path(); };
  bool own_environment = root == "/";
  LinuxNode node;
  node.root = root;
  // System files are often symlinks (/etc/os-release), so links are
  // followed; the bound keeps /dev/zero in their place from filling memory.
  node.read_file = [below](const std::filesystem::path& path) {
    try {
      return read_bounded_file_if_exists(below(path), kMaxSystemFileSize, Symlinks::follow);
    } catch (const std::system_error& error) {
      if (error.code() != std::errc::file_too_large) throw;
      throw Failure(ExitCode::configuration, "cannot read '" + below(path).string() +
                                                 "': it holds more than 64 KiB, more than any "
                                                 "such system file; check what is there");
    }
  };
  node.read_file_start = [below](const std::filesystem::path& path, std::size_t limit) {
    return read_start_if_exists(below(path), limit);
  };
  node.exists = [below](const std::filesystem::path& path) {
    std::error_code unreachable_counts_as_absent;
    return std::filesystem::exists(below(path), unreachable_counts_as_absent);
  };
  node.environment = [own_environment](const std::string& name) -> std::optional<std::string> {
    const char* value = own_environment ? std::getenv(name.c_str()) : nullptr;
    if (value == nullptr) return std::nullopt;
    return value;
  };
  return node;
}

}  // namespace pulse
