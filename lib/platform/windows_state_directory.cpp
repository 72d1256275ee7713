#include "state_directory.h"

namespace pulse {

// create_directories gives the state directory the owner-only ACL, and
// linking needs a privilege on Windows: there is nothing to refuse here.
std::optional<std::string> untrusted_directory(const std::filesystem::path&, std::string_view) {
  return std::nullopt;
}

void check_trusted_directory(const std::filesystem::path&, std::string_view) {}

}  // namespace pulse
