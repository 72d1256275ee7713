#include "platform/smbios.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>

namespace pulse {
namespace {

// RawSMBIOSData: Used20CallingMethod, major, minor, DmiRevision, then the
// table's length (DWORD) and the table.
constexpr std::size_t kRawHeaderSize = 8;
constexpr std::uint8_t kSystemInformation = 1;
constexpr std::uint8_t kEndOfTable = 127;
// Within the type 1 structure.
constexpr std::size_t kManufacturerOffset = 4;
constexpr std::size_t kProductOffset = 5;
constexpr std::size_t kSerialOffset = 7;
constexpr std::size_t kUuidOffset = 8;
constexpr std::size_t kUuidSize = 16;

// String `index` (from 1) of the string set that follows a structure.
std::string smbios_string(std::string_view strings, std::uint8_t index) {
  for (std::uint8_t current = 1; index != 0 && !strings.empty(); ++current) {
    const std::size_t end = strings.find('\0');
    if (end == 0 || end == std::string_view::npos) break;
    if (current == index) return std::string(strings.substr(0, end));
    strings.remove_prefix(end + 1);
  }
  return "";
}

std::optional<std::string> format_uuid(const std::uint8_t* bytes, bool little_endian_fields) {
  const bool unset =
      std::all_of(bytes, bytes + kUuidSize, [](std::uint8_t b) { return b == 0; }) ||
      std::all_of(bytes, bytes + kUuidSize, [](std::uint8_t b) { return b == 0xff; });
  if (unset) return std::nullopt;
  std::array<std::uint8_t, kUuidSize> ordered;
  std::copy(bytes, bytes + kUuidSize, ordered.begin());
  if (little_endian_fields) {
    std::reverse(ordered.begin(), ordered.begin() + 4);
    std::reverse(ordered.begin() + 4, ordered.begin() + 6);
    std::reverse(ordered.begin() + 6, ordered.begin() + 8);
  }
  std::string text;
  for (std::size_t i = 0; i < kUuidSize; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) text += '-';
    char hex[3];
    std::snprintf(hex, sizeof hex, "%02x", ordered[i]);
    text += hex;
  }
  return text;
}

}  // namespace

std::optional<SmbiosSystem> parse_smbios_system(std::string_view raw) {
  if (raw.size() < kRawHeaderSize) return std::nullopt;
  const auto major = static_cast<std::uint8_t>(raw[1]);
  const auto minor = static_cast<std::uint8_t>(raw[2]);
  const bool little_endian_fields = major > 2 || (major == 2 && minor >= 6);
  std::string_view table = raw.substr(kRawHeaderSize);
  while (table.size() >= 4) {
    const auto type = static_cast<std::uint8_t>(table[0]);
    const auto length = static_cast<std::uint8_t>(table[1]);
    if (length < 4 || length > table.size()) return std::nullopt;
    // The string set ends with two NULs (just two when it is empty).
    const std::size_t strings_end = table.find(std::string_view("\0\0", 2), length);
    if (strings_end == std::string_view::npos) return std::nullopt;
    if (type == kSystemInformation) {
      const auto* formatted = reinterpret_cast<const std::uint8_t*>(table.data());
      const std::string_view strings = table.substr(length, strings_end + 1 - length);
      SmbiosSystem system;
      if (length > kProductOffset) {
        system.manufacturer = smbios_string(strings, formatted[kManufacturerOffset]);
        system.product = smbios_string(strings, formatted[kProductOffset]);
      }
      if (length > kSerialOffset) {
        system.serial = smbios_string(strings, formatted[kSerialOffset]);
      }
      if (length >= kUuidOffset + kUuidSize) {
        system.uuid = format_uuid(formatted + kUuidOffset, little_endian_fields);
      }
      return system;
    }
    if (type == kEndOfTable) break;
    table.remove_prefix(strings_end + 2);
  }
  return std::nullopt;
}

}  // namespace pulse
