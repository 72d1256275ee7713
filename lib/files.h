// Small file-system helpers with the durability the contract asks for.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace pulse {

// The most a file read from the system or the state directory may hold
// (contract §3): a wrong or hostile file must not fill the memory.
inline constexpr std::size_t kMaxSystemFileSize = 64 * 1024;

// Reads a whole file; nullopt when it does not exist. Other errors throw
// std::system_error naming the path.
std::optional<std::string> read_file_if_exists(const std::filesystem::path& path);

enum class Symlinks { follow, refuse };

// As read_file_if_exists, for a file of at most `limit` bytes: a larger one
// (or a device that never ends) throws std::system_error(EFBIG) saying so.
// Symlinks::refuse refuses a symlink at `path` (ELOOP), for files in a
// directory another user may have prepared.
std::optional<std::string> read_bounded_file_if_exists(const std::filesystem::path& path,
                                                       std::size_t limit, Symlinks symlinks);

// Writes through a dot-prefixed temp file in the same directory, fsyncs it,
// renames it over `path` and fsyncs the directory, so a crash leaves either
// the old file or the new one. Throws std::system_error.
void write_file_atomically(const std::filesystem::path& path, std::string_view data,
                           mode_t mode);

// Who owns a file written by write_file_atomically; nullopt leaves it to
// the writer (POSIX only; Windows files keep the ACL their mode gives).
struct FileOwner {
  unsigned long user;
  unsigned long group;
};
void write_file_atomically(const std::filesystem::path& path, std::string_view data, mode_t mode,
                           const std::optional<FileOwner>& owner);

// An existing file's mode and owner, following symlinks; nullopt when it
// does not exist (and on Windows, where its ACL is not carried over).
struct FileAccess {
  mode_t mode;
  FileOwner owner;
};
std::optional<FileAccess> existing_file_access(const std::filesystem::path& path);

// This process as owner of its new files, with group `name`, when the group
// exists and the process may give files to it (it runs as root); nullopt
// otherwise and on Windows.
std::optional<FileOwner> owner_with_group(const char* name);

// As write_file_atomically, but never replaces an existing `path`: false
// (nothing changed) when it exists, so of several processes creating the
// same file exactly one wins.
bool create_file_atomically(const std::filesystem::path& path, std::string_view data,
                            mode_t mode);

// Whether `name` is one of the temp files write_file_atomically makes: one
// that outlives its writer was left by a crash before the rename.
bool is_atomic_write_temp_file(std::string_view name);

// Creates `dir` and missing parents with `mode`; existing ones are left alone.
void create_directories(const std::filesystem::path& dir, mode_t mode);

// Opens `path` read-only (not inherited by child processes): a descriptor, or
// -1 with errno set.
int open_for_reading(const std::filesystem::path& path);

// Whether this process may create files in the directory `dir` (errno set
// when not).
bool can_create_files_in(const std::filesystem::path& dir);

// What a time of day in a file name has in place of ':': ':' itself, or '-'
// on Windows, which forbids ':' in file names. Either keeps the names' order.
char time_separator_in_file_names();

// "'path': reason" for messages about a failed file operation.
std::string describe_file_error(const std::filesystem::path& path, const std::error_code& error);

}  // namespace pulse
