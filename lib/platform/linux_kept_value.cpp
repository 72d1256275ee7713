#include <system_error>

#include "files.h"
#include "platform/linux.h"

namespace pulse {

std::filesystem::path kept_dmi_value_path(const std::filesystem::path& state_dir,
                                          const std::string& name) {
  return state_dir / name;
}

void keep_dmi_value(const std::filesystem::path& state_dir, const std::string& name,
                    const std::string& value) {
  if (state_dir.empty()) return;
  const std::filesystem::path path = kept_dmi_value_path(state_dir, name);
  const std::string content = value + "\n";
  try {
    // Root reads DMI at every start; rewriting the same value would only
    // cost an fsync.
    if (read_file_if_exists(path) == content) return;
    create_directories(state_dir, 0755);
    write_file_atomically(path, content, 0644);
  } catch (const std::system_error&) {
    // Keeping the value only helps later unprivileged runs; this run already
    // has the right one.
  }
}

std::optional<std::string> read_kept_dmi_value(const std::filesystem::path& state_dir,
                                               const std::string& name) {
  if (state_dir.empty()) return std::nullopt;
  try {
    std::optional<std::string> text = read_file_if_exists(kept_dmi_value_path(state_dir, name));
    if (text && text->ends_with('\n')) text->pop_back();
    return text;
  } catch (const std::system_error&) {
    return std::nullopt;
  }
}

}  // namespace pulse
