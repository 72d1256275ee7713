#include <fcntl.h>
#include <io.h>
#include <windows.h>

#include <algorithm>
#include <cerrno>
#include <string>
#include <system_error>
#include <utility>

#include "files.h"
#include "platform/windows_error.h"
#include "platform/windows_security.h"
#include "random.h"

namespace pulse {
namespace {

class Handle {
 public:
  explicit Handle(HANDLE handle) : handle_(handle) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { close(); }
  HANDLE get() const { return handle_; }
  bool valid() const { return handle_ != INVALID_HANDLE_VALUE; }
  bool close() {
    if (!valid()) return true;
    return CloseHandle(std::exchange(handle_, INVALID_HANDLE_VALUE)) != 0;
  }

 private:
  HANDLE handle_;
};

std::system_error file_error(const std::string& what, const std::filesystem::path& path) {
  return windows::last_error(what + " '" + path.string() + "'");
}

void write_all(HANDLE file, std::string_view data, const std::filesystem::path& path) {
  while (!data.empty()) {
    DWORD written = 0;
    const DWORD chunk = static_cast<DWORD>(std::min<std::size_t>(data.size(), 1 << 30));
    if (!WriteFile(file, data.data(), chunk, &written, nullptr)) {
      throw file_error("cannot write", path);
    }
    data.remove_prefix(written);
  }
}

// Writes a temp file beside `path` and moves it there; false when the move
// found `path` existing and `flags` forbade replacing it. MoveFileExW with
// MOVEFILE_WRITE_THROUGH returns only once the rename is on disk, which
// stands in for the fsync of the directory.
bool move_into_place(const std::filesystem::path& path, std::string_view data, mode_t mode,
                     DWORD flags) {
  std::filesystem::path dir = path.parent_path();
  if (dir.empty()) dir = ".";
  std::filesystem::path temp =
      dir / ("." + path.filename().string() + "." + random_token(8) + ".tmp");
  windows::SecurityAttributes security(mode);
  Handle file(CreateFileW(temp.c_str(), GENERIC_WRITE, 0,
                          static_cast<SECURITY_ATTRIBUTES*>(security.get()), CREATE_NEW,
                          FILE_ATTRIBUTE_NORMAL, nullptr));
  if (!file.valid()) throw file_error("cannot create", temp);
  try {
    write_all(file.get(), data, temp);
    if (!FlushFileBuffers(file.get())) throw file_error("cannot flush", temp);
    if (!file.close()) throw file_error("cannot close", temp);
    if (!MoveFileExW(temp.c_str(), path.c_str(), flags | MOVEFILE_WRITE_THROUGH)) {
      if (GetLastError() != ERROR_ALREADY_EXISTS) throw file_error("cannot rename to", path);
      DeleteFileW(temp.c_str());
      return false;
    }
  } catch (...) {
    file.close();
    DeleteFileW(temp.c_str());
    throw;
  }
  return true;
}

}  // namespace

std::optional<std::string> read_file_if_exists(const std::filesystem::path& path) {
  return read_bounded_file_if_exists(path, std::string().max_size(), Symlinks::follow);
}

// Symlinks need a privilege on Windows and the state directory carries the
// owner-only ACL, so a link there is followed like any other path.
std::optional<std::string> read_bounded_file_if_exists(const std::filesystem::path& path,
                                                       std::size_t limit, Symlinks) {
  Handle file(CreateFileW(path.c_str(), GENERIC_READ,
                          FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                          OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr));
  if (!file.valid()) {
    const DWORD error = GetLastError();
    if (error == ERROR_FILE_NOT_FOUND || error == ERROR_PATH_NOT_FOUND) return std::nullopt;
    throw windows::error(error, "cannot open '" + path.string() + "'");
  }
  std::string content;
  char buffer[8192];
  for (;;) {
    DWORD got = 0;
    if (!ReadFile(file.get(), buffer, sizeof buffer, &got, nullptr)) {
      throw file_error("cannot read", path);
    }
    if (got == 0) break;
    if (got > limit - content.size()) {
      throw std::system_error(EFBIG, std::generic_category(),
                              "'" + path.string() + "' holds more than " +
                                  std::to_string(limit / 1024) + " KiB");
    }
    content.append(buffer, got);
  }
  return content;
}

void write_file_atomically(const std::filesystem::path& path, std::string_view data, mode_t mode) {
  write_file_atomically(path, data, mode, std::nullopt);
}

// Files take their owner from the ACL `mode` gives, so `owner` is not used.
void write_file_atomically(const std::filesystem::path& path, std::string_view data, mode_t mode,
                           const std::optional<FileOwner>&) {
  move_into_place(path, data, mode, MOVEFILE_REPLACE_EXISTING);
}

// Without MOVEFILE_REPLACE_EXISTING the move fails when `path` exists.
bool create_file_atomically(const std::filesystem::path& path, std::string_view data,
                            mode_t mode) {
  return move_into_place(path, data, mode, 0);
}

void create_directories(const std::filesystem::path& dir, mode_t mode) {
  if (dir.empty() || std::filesystem::is_directory(dir)) return;
  create_directories(dir.parent_path(), mode);
  windows::SecurityAttributes security(mode);
  if (!CreateDirectoryW(dir.c_str(), static_cast<SECURITY_ATTRIBUTES*>(security.get())) &&
      GetLastError() != ERROR_ALREADY_EXISTS) {
    throw file_error("cannot create directory", dir);
  }
}

std::optional<FileAccess> existing_file_access(const std::filesystem::path&) {
  return std::nullopt;
}

std::optional<FileOwner> owner_with_group(const char*) { return std::nullopt; }

bool is_atomic_write_temp_file(std::string_view name) {
  return name.starts_with(".") && name.ends_with(".tmp");
}

int open_for_reading(const std::filesystem::path& path) {
  return _wopen(path.c_str(), _O_RDONLY | _O_BINARY | _O_NOINHERIT);
}

// Windows has no search permission on directories; W_OK looks at the
// read-only attribute.
bool can_create_files_in(const std::filesystem::path& dir) {
  return _waccess(dir.c_str(), W_OK) == 0;
}

char time_separator_in_file_names() { return '-'; }

std::string describe_file_error(const std::filesystem::path& path, const std::error_code& error) {
  return "'" + path.string() + "': " + error.message();
}

}  // namespace pulse
