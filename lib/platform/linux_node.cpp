#include "platform/linux.h"

#include <cstdlib>
#include <system_error>

#include "failure.h"
#include "files.h"

namespace pulse {

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
