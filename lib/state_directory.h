// The state directory and the spool below it were prepared by root or by the
// user running pharos-pulse, and nobody else can change them (contract §1,
// OpenSSH's StrictModes rule): root follows no link another user planted
// there.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace pulse {

// Why `dir` cannot be trusted and how to fix it, or nullopt when it can: it
// is a directory (not a symlink) owned by root or the effective user and
// writable by nobody else. A missing directory is fine (it is created
// private), and so is a file in its place (writing there fails). `what`
// names it in the message ("state directory").
std::optional<std::string> untrusted_directory(const std::filesystem::path& dir,
                                               std::string_view what);

// Throws Failure(configuration) with untrusted_directory's reason.
void check_trusted_directory(const std::filesystem::path& dir, std::string_view what);

}  // namespace pulse
