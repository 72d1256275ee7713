// The firmware's SMBIOS System Information, as Windows hands the table over
// (GetSystemFirmwareTable('RSMB')). A pure parser, so it is tested anywhere.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pulse {

// What SMBIOS's System Information structure (type 1) says.
struct SmbiosSystem {
  std::string manufacturer;
  std::string product;
  std::string serial;  // empty when the firmware names none
  // The UUID as SMBIOS 2.6 and later store it (the first three fields
  // little-endian), which is how Windows and Linux show it; nullopt when the
  // firmware leaves it unset (all zeros or all ones).
  std::optional<std::string> uuid;
};

// Parses GetSystemFirmwareTable('RSMB')'s output: a RawSMBIOSData header,
// then the structure table. nullopt when it holds no type 1 structure.
std::optional<SmbiosSystem> parse_smbios_system(std::string_view raw);

}  // namespace pulse
