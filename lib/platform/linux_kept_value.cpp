#include <system_error>

#include "files.h"
#include "platform/linux.h"
#include "state_directory.h"

namespace pulse {
namespace {

std::filesystem::path kept_path(const std::filesystem::path& state_dir, std::string_view name) {
  return state_dir / name;
}

}  // namespace

void keep_value(const std::filesystem::path& state_dir, std::string_view name,
                const std::string& value) {
  if (state_dir.empty()) return;
  const std::string content = value + "\n";
  try {
    create_directories(state_dir, 0755);
    if (untrusted_directory(state_dir, "state directory")) return;
    // Root reads DMI for every event; rewriting the same value would only
    // cost an fsync.
    if (read_kept_value(state_dir, name) == value) return;
    write_file_atomically(kept_path(state_dir, name), content, 0644);
  } catch (const std::system_error&) {
    // Keeping the value only helps later unprivileged runs; this run already
    // has the right one.
  }
}

std::optional<std::string> read_kept_value(const std::filesystem::path& state_dir,
                                           std::string_view name) {
  if (state_dir.empty() || untrusted_directory(state_dir, "state directory")) return std::nullopt;
  try {
    std::optional<std::string> text =
        read_bounded_file_if_exists(kept_path(state_dir, name), kMaxSystemFileSize,
                                    Symlinks::refuse);
    if (text && text->ends_with('\n')) text->pop_back();
    return text;
  } catch (const std::system_error&) {
    return std::nullopt;
  }
}

}  // namespace pulse
