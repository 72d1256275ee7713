#include "file_lock.h"

#include <system_error>

#include "files.h"

namespace pulse {

std::string FileLock::read_content(const std::filesystem::path& path) {
  try {
    return read_bounded_file_if_exists(path, kMaxSystemFileSize, Symlinks::refuse).value_or("");
  } catch (const std::system_error&) {
    return "";
  }
}

}  // namespace pulse
