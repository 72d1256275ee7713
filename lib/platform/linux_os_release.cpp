#include "platform/os_release.h"

#include <string_view>

#include "platform/linux.h"

namespace pulse {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

bool is_name_char(char c, bool first) {
  bool letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
  return letter || (!first && c >= '0' && c <= '9');
}

bool is_name(std::string_view text) {
  if (text.empty()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!is_name_char(text[i], i == 0)) return false;
  }
  return true;
}

// Inside double quotes the shell drops a backslash only before these; before
// anything else the backslash stays.
bool is_escapable_in_double_quotes(char c) { return c == '$' || c == '"' || c == '\\' || c == '`'; }

// One shell word, quoted pieces joined as the shell joins them. nullopt when
// a quote does not close, the line ends in a backslash (a continuation we do
// not follow) or anything but a comment follows the word, which a shell
// would run as a command.
std::optional<std::string> parse_value(std::string_view text) {
  std::string value;
  std::size_t i = 0;
  while (i < text.size() && !is_blank(text[i])) {
    char c = text[i++];
    if (c == '\'') {
      std::size_t end = text.find('\'', i);
      if (end == std::string_view::npos) return std::nullopt;
      value.append(text.substr(i, end - i));
      i = end + 1;
    } else if (c == '"') {
      for (;;) {
        if (i == text.size()) return std::nullopt;
        char d = text[i++];
        if (d == '"') break;
        if (d == '\\' && i < text.size() && is_escapable_in_double_quotes(text[i])) d = text[i++];
        value += d;
      }
    } else if (c == '\\') {
      if (i == text.size()) return std::nullopt;
      value += text[i++];
    } else {
      value += c;
    }
  }
  while (i < text.size() && is_blank(text[i])) ++i;
  if (i < text.size() && text[i] != '#') return std::nullopt;
  return value;
}

std::string_view trimmed(std::string_view line) {
  std::size_t begin = line.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  std::size_t end = line.find_last_not_of(" \t\r");
  return line.substr(begin, end + 1 - begin);
}

std::string value_of(const OsRelease& release, std::string_view name) {
  auto found = release.find(name);
  return found == release.end() ? std::string() : found->second;
}

}  // namespace

OsRelease parse_os_release(std::string_view text) {
  OsRelease release;
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    std::string_view line = trimmed(text.substr(0, end));
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (line.empty() || line.front() == '#') continue;
    std::size_t equals = line.find('=');
    if (equals == std::string_view::npos || !is_name(line.substr(0, equals))) continue;
    if (std::optional<std::string> value = parse_value(line.substr(equals + 1))) {
      release.insert_or_assign(std::string(line.substr(0, equals)), std::move(*value));
    }
  }
  return release;
}

std::string os_version_from(const OsRelease& release) {
  std::string pretty_name = value_of(release, "PRETTY_NAME");
  if (!pretty_name.empty()) return pretty_name;
  std::string name = value_of(release, "NAME");
  std::string version_id = value_of(release, "VERSION_ID");
  std::string joined = name + (name.empty() || version_id.empty() ? "" : " ") + version_id;
  return joined.empty() ? "unknown" : joined;
}

OsRelease read_os_release(const LinuxNode& node) {
  // os-release(5): when /etc/os-release exists it is used alone, even if it
  // lacks the names the fallback has.
  for (const char* path : {"/etc/os-release", "/usr/lib/os-release"}) {
    if (std::optional<std::string> text = node.read_file(path)) return parse_os_release(*text);
  }
  return {};
}

std::string read_os_version(const LinuxNode& node) {
  return os_version_from(read_os_release(node));
}

}  // namespace pulse
