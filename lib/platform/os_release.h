// os-release(5) as a pure function over the file's text, so the parser is
// fuzzed and tested without a file system.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace pulse {

using OsRelease = std::map<std::string, std::string, std::less<>>;

// Reads the shell-style assignments os-release(5) allows: double quotes with
// backslash escapes of $ " \ `, single quotes, comments and blank lines.
// Nothing is expanded. A malformed line is skipped; a later assignment wins.
OsRelease parse_os_release(std::string_view text);

// PRETTY_NAME, else NAME and VERSION_ID joined by a space, else "unknown".
std::string os_version_from(const OsRelease& release);

}  // namespace pulse
