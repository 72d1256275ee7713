#include "platform/mac_host_uuid.h"

#include <algorithm>

namespace pulse {

std::optional<std::string> format_host_uuid(const HostUuidBytes& bytes) {
  auto all = [&bytes](std::uint8_t value) {
    return std::all_of(bytes.begin(), bytes.end(), [value](std::uint8_t b) { return b == value; });
  };
  if (all(0x00) || all(0xff)) return std::nullopt;
  constexpr char digits[] = "0123456789abcdef";
  std::string text;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) text += '-';
    text += digits[bytes[i] >> 4];
    text += digits[bytes[i] & 0x0f];
  }
  return text;
}

}  // namespace pulse
