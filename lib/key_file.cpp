#include "key_file.h"

namespace pulse {

Failure unreadable_key(const std::filesystem::path& key_file, const std::string& reason) {
  return Failure(ExitCode::configuration,
                 "cannot read identity key '" + key_file.string() + "': " + reason);
}

}  // namespace pulse
