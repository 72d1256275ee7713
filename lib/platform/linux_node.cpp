#include "platform/linux.h"

#include <cstdlib>
#include <system_error>

#include "files.h"

namespace pulse {

LinuxNode node_below(const std::filesystem::path& root) {
  auto below = [root](const std::filesystem::path& path) { return root / path.relative_path(); };
  bool own_environment = root == "/";
  LinuxNode node;
  node.root = root;
  node.read_file = [below](const std::filesystem::path& path) {
    return read_file_if_exists(below(path));
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
