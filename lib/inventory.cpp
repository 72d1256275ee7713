#include "inventory.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "platform/node_facts.h"

namespace pulse {
namespace {

constexpr std::size_t kMaxFieldBytes = 1024;

std::string_view trimmed(std::string_view text) {
  const std::size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  return text.substr(begin, text.find_last_not_of(" \t\r\n") + 1 - begin);
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

// Cuts at a character boundary, so the value stays valid UTF-8.
std::string cut_to_bound(std::string text) {
  std::size_t end = kMaxFieldBytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xc0) == 0x80) --end;
  text.resize(end);
  return text;
}

void clean_text(std::optional<std::string>& value, std::string_view name,
                std::vector<std::string>& warnings) {
  if (!value) return;
  const std::string_view text = trimmed(*value);
  if (text.empty() || is_firmware_placeholder(text)) {
    value.reset();
    return;
  }
  std::string kept(text);
  if (kept.size() > kMaxFieldBytes) {
    warnings.push_back("inventory " + std::string(name) + " is " + std::to_string(kept.size()) +
                       " bytes long; sending its first " + std::to_string(kMaxFieldBytes));
    kept = cut_to_bound(std::move(kept));
  }
  value = std::move(kept);
}

}  // namespace

bool is_firmware_placeholder(std::string_view text) {
  static constexpr std::array<std::string_view, 9> placeholders = {
      "To Be Filled By O.E.M.", "Default string", "System Serial Number",
      "System Product Name",    "System manufacturer", "Not Specified",
      "Not Applicable",         "None",           "0"};
  text = trimmed(text);
  for (std::string_view placeholder : placeholders) {
    if (equals_ignoring_case(text, placeholder)) return true;
  }
  // All zeros or all ones, however the firmware groups them ("0000-0000",
  // "FF:FF:FF").
  return !text.empty() && text.find_first_not_of("0fF-:. ") == std::string_view::npos;
}

Inventory cleaned(Inventory raw) {
  Inventory inventory = std::move(raw);
  clean_text(inventory.os_name, "os_name", inventory.warnings);
  clean_text(inventory.os_version, "os_version", inventory.warnings);
  clean_text(inventory.cpu_brand, "cpu_brand", inventory.warnings);
  clean_text(inventory.serial_number, "serial_number", inventory.warnings);
  clean_text(inventory.manufacturer, "manufacturer", inventory.warnings);
  clean_text(inventory.product_name, "product_name", inventory.warnings);
  if (inventory.cpu_cores == 0u) inventory.cpu_cores.reset();
  if (inventory.mem_total_kb == 0u) inventory.mem_total_kb.reset();
  return inventory;
}

Inventory collect_inventory(const MetadataOptions& options) {
  return cleaned(collect_node_inventory(options));
}

}  // namespace pulse
