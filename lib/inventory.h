// What the node is made of (contract §3's `inventory`): the machine record a
// Pharos hub keeps and its console shows. Collected at start and on reload,
// not for every event.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "metadata.h"

namespace pulse {

// Every value is optional: one that cannot be read is left out, never sent
// as a placeholder.
struct Inventory {
  std::optional<std::string> os_name;
  std::optional<std::string> os_version;
  std::optional<std::string> cpu_brand;
  std::optional<std::uint64_t> cpu_cores;
  std::optional<std::uint64_t> mem_total_kb;
  std::optional<std::string> serial_number;
  std::optional<std::string> manufacturer;
  std::optional<std::string> product_name;
  std::vector<std::string> mac_addrs;
  // For the log, e.g. that a value was cut to the 1 KiB bound.
  std::vector<std::string> warnings;
};

// The node's inventory with the placeholder and length rules applied.
Inventory collect_inventory(const MetadataOptions& options);

// Applies contract §3's rules to what a collector read: text is trimmed,
// empty values and firmware placeholders are dropped, longer values are cut
// to 1 KiB (with a warning), zero counts are dropped.
Inventory cleaned(Inventory raw);

// A value firmware writes when it has none ("To Be Filled By O.E.M.",
// "Default string", only zeros or Fs, …), compared after trimming and
// ignoring case.
bool is_firmware_placeholder(std::string_view text);

}  // namespace pulse
