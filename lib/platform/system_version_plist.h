// /System/Library/CoreServices/SystemVersion.plist, the file sw_vers(1)
// reads, as a pure function over its text so that it is tested anywhere.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pulse {

struct SystemVersion {
  std::string product_name;     // "macOS" ("Mac OS X" before 10.12)
  std::string product_version;  // "14.2"
  std::string build_version;    // "23C64"
};

// Reads the string values of the top-level dict of an XML property list.
// Nothing is fetched or expanded: a DOCTYPE is skipped, only the five
// predefined entities and character references are decoded, and a value
// with any other entity is left out. nullopt when the text is no XML plist.
std::optional<SystemVersion> parse_system_version_plist(std::string_view text);

// The metadata's os_version: "macOS 14.2 (23C64)"; "unknown" without a
// ProductVersion, as Linux says without os-release.
std::string mac_os_version(const std::optional<SystemVersion>& version);

}  // namespace pulse
