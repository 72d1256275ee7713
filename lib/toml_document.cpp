#include "toml_document.h"

#include <cstdint>
#include <cstdio>
#include <string>

#include <algorithm>
#include <system_error>
#include <vector>

#include "failure.h"
#include "files.h"

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


[[noreturn]] void refuse(const std::filesystem::path& source, std::size_t line,
                         const std::string& what) {
  throw Failure(ExitCode::configuration,
                source.string() + ":" + std::to_string(line) + ": " + what);
}

// Where the string that opens at text[at] ends (one past its closing
// quote), for the four kinds of TOML strings; text.size() when unclosed.
std::size_t end_of_string(std::string_view text, std::size_t at) {
  const char quote = text[at];
  const std::string_view triple = quote == '"' ? "\"\"\"" : "'''";
  const bool multi_line = text.substr(at, 3) == triple;
  for (std::size_t i = at + (multi_line ? 3 : 1); i < text.size(); ++i) {
    if (quote == '"' && text[i] == '\\') {
      ++i;
    } else if (multi_line ? text.substr(i, 3) == triple : text[i] == quote) {
      return i + (multi_line ? 3 : 1);
    } else if (!multi_line && text[i] == '\n') {
      return i;
    }
  }
  return text.size();
}

// Refuses keys nested deeper than kMaxConfigNesting before toml++ builds
// them. Levels are counted as toml++ nests tables: a table header and a
// dotted key add one per part, an inline table or array one more; strings
// and comments are skipped. A dot in a value (1.5) counts too, which only
// ever overstates the depth of a value by one.
void refuse_deep_nesting(std::string_view text, const std::filesystem::path& source) {
  std::size_t line = 1;
  int table_depth = 0;  // of the last [table] header
  int level = 0;        // of the table or array being read
  int key_depth = 0;    // of the key before the last '='
  int dots = 0;         // in the key being read
  bool line_start = true, in_header = false, array_header = false;
  std::vector<int> enclosing;  // the level outside each open '{' or '['
  auto check = [&](int depth) {
    if (depth > kMaxConfigNesting) {
      refuse(source, line,
             "tables or keys nested deeper than " + std::to_string(kMaxConfigNesting) + " levels");
    }
  };
  for (std::size_t at = 0; at < text.size(); ++at) {
    const char c = text[at];
    if (c == '"' || c == '\'') {
      const std::size_t end = end_of_string(text, at);
      for (std::size_t i = at; i < end; ++i) line += text[i] == '\n';
      at = end - 1;
      line_start = false;
      continue;
    }
    if (c == '#') {
      at = text.find('\n', at);
      if (at == std::string_view::npos) break;
      --at;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r') continue;
    const bool at_line_start = line_start;
    line_start = false;
    switch (c) {
      case '\n':
        ++line;
        if (enclosing.empty()) {
          line_start = true;
          dots = 0;
          level = table_depth;
        }
        break;
      case '.':
        check(level + ++dots + 1);
        break;
      case '=':
        key_depth = level + dots + 1;
        dots = 0;
        break;
      case ',':
        dots = 0;
        break;
      case '[':
        if (at_line_start && enclosing.empty()) {
          in_header = true;
          array_header = at + 1 < text.size() && text[at + 1] == '[';
          at += array_header;
          level = dots = 0;
          break;
        }
        [[fallthrough]];
      case '{':
        enclosing.push_back(level);
        level = std::max(level, key_depth) + 1;
        check(level);
        break;
      case ']':
        if (in_header) {
          in_header = false;
          table_depth = dots + 1 + array_header;
          at += array_header;
          check(table_depth);
          break;
        }
        [[fallthrough]];
      case '}':
        if (!enclosing.empty()) {
          level = enclosing.back();
          enclosing.pop_back();
        }
        dots = 0;
        break;
      default:
        break;
    }
  }
}

}  // namespace

std::optional<std::string> read_config_text(const std::filesystem::path& file) {
  try {
    return read_bounded_file_if_exists(file, kMaxConfigFileSize, Symlinks::follow);
  } catch (const std::system_error& error) {
    if (error.code() == std::errc::file_too_large) {
      throw Failure(ExitCode::configuration, "config file '" + file.string() +
                                                 "' is larger than 1 MiB; it cannot be a "
                                                 "pharos-pulse config");
    }
    throw Failure(ExitCode::configuration, std::string("cannot read config file: ") + error.what());
  }
}

toml::table parse_toml_document(std::string_view text, const std::filesystem::path& source) {
  if (text.size() > kMaxConfigFileSize) {
    refuse(source, 1, "the file is larger than 1 MiB; it cannot be a pharos-pulse config");
  }
  refuse_deep_nesting(text, source);
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
