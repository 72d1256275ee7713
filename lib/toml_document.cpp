#include "toml_document.h"

#include <cstdint>
#include <cstdio>
#include <string>

#include "failure.h"

namespace pulse {
namespace {

// toml++ 3.3.0, the version Debian 12 ships, reaches __builtin_unreachable()
// (undefined behaviour) when it asks whether one of these code points is
// whitespace: its issue #295, fixed upstream after 3.3.0. It asks between
// tokens, while scanning a bare value, and after a line-ending backslash in a
// multi-line basic string. The buckets are that version's lookup table.
bool trips_tomlpp_whitespace_check(char32_t c) {
  if (c <= 0xA0 || c >= 0xFEFF || c == 0x3000) return false;
  const auto bucket = (c - 0xA0) / 0x3FA;
  const bool bucket_has_whitespace = ((0x7FFFFFFFFFFFF75Eull >> bucket) & 1) == 0;
  return bucket_has_whitespace && bucket != 0x05 && bucket != 0x07;
}

// The code point that starts at text[at], or 0 for ASCII and invalid UTF-8
// (toml++ reports the latter itself).
char32_t code_point_at(std::string_view text, std::size_t at, std::size_t& length) {
  const auto lead = static_cast<unsigned char>(text[at]);
  length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
  if (length == 1 || at + length > text.size()) {
    length = 1;
    return 0;
  }
  char32_t c = lead & (0x7F >> length);
  for (std::size_t k = 1; k < length; ++k) {
    c = c << 6 | (static_cast<unsigned char>(text[at + k]) & 0x3F);
  }
  return c;
}

// Whether the line that starts at text[at] is a comment line: toml++ reads
// past a '#' without asking about whitespace, and a line-ending backslash
// in a multi-line string stops skipping whitespace at the '#'. Elsewhere
// the context cannot be told apart safely from malformed text, so the
// characters are refused there, strings included.
bool is_comment_line(std::string_view text, std::size_t at) {
  const std::size_t first = text.find_first_not_of(" \t", at);
  return first != std::string_view::npos && text[first] == '#';
}

void refuse_characters_tomlpp_cannot_read(std::string_view text,
                                          const std::filesystem::path& source) {
  std::size_t line = 1;
  bool comment_line = is_comment_line(text, 0);
  for (std::size_t at = 0; at < text.size();) {
    std::size_t length = 1;
    const char32_t c = code_point_at(text, at, length);
    if (!comment_line && trips_tomlpp_whitespace_check(c)) {
      char name[16];
      std::snprintf(name, sizeof name, "U+%04X", static_cast<unsigned>(c));
      throw Failure(ExitCode::configuration,
                    source.string() + ":" + std::to_string(line) + ": character " + name +
                        " is allowed only in comment lines (this toml++ cannot read it safely)");
    }
    if (text[at] == '\n') {
      ++line;
      comment_line = is_comment_line(text, at + 1);
    }
    at += length;
  }
}

}  // namespace

toml::table parse_toml_document(std::string_view text, const std::filesystem::path& source) {
  refuse_characters_tomlpp_cannot_read(text, source);
  try {
    return toml::parse(text, source.string());
  } catch (const toml::parse_error& error) {
    throw Failure(ExitCode::configuration,
                  source.string() + ":" + std::to_string(error.source().begin.line) + ": " +
                      std::string(error.description()));
  }
}

}  // namespace pulse
