#include "toml_document.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>

#include "failure.h"

namespace pulse {
namespace {

// toml++ 3.3.0, the version Debian 12 ships, reaches __builtin_unreachable()
// (undefined behaviour) when it asks whether one of these code points is
// whitespace: its issue #295, fixed upstream after 3.3.0. It asks wherever
// whitespace may appear: between tokens and after a line-ending backslash in
// a multi-line basic string. The buckets are that version's lookup table.
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

enum class Context { value, comment, basic_string, literal_string, multiline_basic, multiline_literal };

// Characters are allowed in comments and in strings toml++ only copies; in
// the other contexts it may ask whether they are whitespace.
bool may_hold_any_character(Context context) {
  return context == Context::comment || context == Context::basic_string ||
         context == Context::literal_string || context == Context::multiline_literal;
}

// A lexer just precise enough to tell those contexts apart.
class ContextTracker {
 public:
  explicit ContextTracker(std::string_view text) : text_(text) {}

  Context context() const { return context_; }

  // Moves past the ASCII byte at `at` and returns where the next one starts.
  std::size_t advance(std::size_t at) {
    const char c = text_[at];
    switch (context_) {
      case Context::value:
        if (c == '#') context_ = Context::comment;
        if (c == '"') return open(at, '"', Context::basic_string, Context::multiline_basic);
        if (c == '\'') return open(at, '\'', Context::literal_string, Context::multiline_literal);
        break;
      case Context::comment:
        if (c == '\n') context_ = Context::value;
        break;
      case Context::basic_string:
        if (c == '\\') return at + 2;
        if (c == '"' || c == '\n') context_ = Context::value;
        break;
      case Context::literal_string:
        if (c == '\'' || c == '\n') context_ = Context::value;
        break;
      case Context::multiline_basic:
        if (c == '\\') return at + 2;
        if (starts_triple(at, '"')) return close(at, '"');
        break;
      case Context::multiline_literal:
        if (starts_triple(at, '\'')) return close(at, '\'');
        break;
    }
    return at + 1;
  }

 private:
  bool starts_triple(std::size_t at, char quote) const {
    return text_.substr(at, 3) == std::string(3, quote);
  }
  std::size_t open(std::size_t at, char quote, Context single, Context multiline) {
    if (starts_triple(at, quote)) {
      context_ = multiline;
      return at + 3;
    }
    context_ = single;
    return at + 1;
  }
  // Up to two more quotes right before the delimiter belong to the string.
  std::size_t close(std::size_t at, char quote) {
    std::size_t end = at + 3;
    for (int extra = 0; extra < 2 && end < text_.size() && text_[end] == quote; ++extra) ++end;
    context_ = Context::value;
    return end;
  }

  std::string_view text_;
  Context context_ = Context::value;
};

void refuse_characters_tomlpp_cannot_read(std::string_view text,
                                          const std::filesystem::path& source) {
  ContextTracker tracker(text);
  std::size_t line = 1;
  for (std::size_t at = 0; at < text.size();) {
    std::size_t length = 1;
    const char32_t c = code_point_at(text, at, length);
    if (c != 0 && !may_hold_any_character(tracker.context()) &&
        trips_tomlpp_whitespace_check(c)) {
      char name[16];
      std::snprintf(name, sizeof name, "U+%04X", static_cast<unsigned>(c));
      throw Failure(ExitCode::configuration,
                    source.string() + ":" + std::to_string(line) + ": character " + name +
                        " is allowed only in comments and quoted strings");
    }
    const std::size_t next = std::min(c == 0 ? tracker.advance(at) : at + length, text.size());
    line += static_cast<std::size_t>(std::count(text.begin() + at, text.begin() + next, '\n'));
    at = next;
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
