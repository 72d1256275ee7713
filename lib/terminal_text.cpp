#include "terminal_text.h"

#include <cstdio>

namespace pulse {
namespace {

std::string escaped(const char* format, unsigned value) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, format, value);
  return buffer;
}

// Length of the well-formed UTF-8 sequence at the start of `text`, 0 if none.
std::size_t utf8_length(std::string_view text) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(0);
  std::size_t length = 0;
  unsigned min = 0;
  if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2, min = 0x80;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3, min = 0x800;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4, min = 0x10000;
  } else {
    return 0;
  }
  if (text.size() < length) return 0;
  unsigned code = lead & (0x7f >> length);
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xc0) != 0x80) return 0;
    code = (code << 6) | (byte(i) & 0x3f);
  }
  if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return 0;
  return length;
}

}  // namespace

std::string escape_server_text(std::string_view text, std::size_t limit) {
  const std::string_view shown = text.substr(0, limit);
  std::string out;
  for (std::size_t i = 0; i < shown.size();) {
    const auto c = static_cast<unsigned char>(shown[i]);
    if (c >= 0x20 && c < 0x7f) {
      out += shown[i++];
    } else if (const std::size_t length = utf8_length(shown.substr(i)); length != 0) {
      const bool c1 = c == 0xc2 && static_cast<unsigned char>(shown[i + 1]) < 0xa0;
      out += c1 ? escaped("\\u%04x", static_cast<unsigned char>(shown[i + 1]))
                : std::string(shown.substr(i, length));
      i += length;
    } else {
      out += escaped("\\x%02x", c);
      ++i;
    }
  }
  if (text.size() > limit) out += "…";
  return out;
}

}  // namespace pulse
