// The hardware uuid on macOS: gethostuuid(2) hands over the platform's
// IOPlatformUUID as 16 bytes; the payload wants it as text.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace pulse {

using HostUuidBytes = std::array<std::uint8_t, 16>;

// Lowercase 8-4-4-4-12, in the bytes' order (as uuid_unparse_lower writes
// it and ioreg shows it, in upper case); nullopt for all zeros or all ones,
// which firmware writes when it has no uuid.
std::optional<std::string> format_host_uuid(const HostUuidBytes& bytes);

}  // namespace pulse
