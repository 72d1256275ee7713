// The macOS collectors behind collect_node_facts and collect_node_inventory,
// beside the pure mappings they feed (mac_platform.h, mac_inventory.h,
// system_version_plist.h), which are tested on Linux.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "platform/system_version_plist.h"

namespace pulse::macos {

// IOPlatformSerialNumber from the IOKit registry; nullopt when IOKit cannot
// be loaded or has none (as in some virtual machines).
std::optional<std::string> read_serial_number();

// SystemVersion.plist below `root`; nullopt when it is missing, unreadable
// or no plist.
std::optional<SystemVersion> read_system_version(const std::filesystem::path& root);

}  // namespace pulse::macos
