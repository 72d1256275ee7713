#include "platform/system_version_plist.h"

#include <charconv>
#include <map>
#include <vector>

namespace pulse {
namespace {

struct Token {
  enum class Kind { open, close, empty, text } kind;
  std::string_view content;  // the element's name, or the raw text
};

std::string_view element_name(std::string_view inside) {
  return inside.substr(0, inside.find_first_of(" \t\r\n/"));
}

// The markup as tags and text. Declarations, processing instructions and
// comments are dropped; a DOCTYPE with an internal subset (where entities
// are defined) makes the text no plist this parser reads. nullopt for
// anything not well formed enough to walk.
std::optional<std::vector<Token>> tokens_of(std::string_view text) {
  std::vector<Token> tokens;
  std::size_t at = 0;
  while (at < text.size()) {
    if (text[at] != '<') {
      const std::size_t end = std::min(text.find('<', at), text.size());
      tokens.push_back({Token::Kind::text, text.substr(at, end - at)});
      at = end;
      continue;
    }
    std::string_view closer = ">";
    if (text.substr(at).starts_with("<!--")) {
      closer = "-->";
    } else if (text.substr(at).starts_with("<?")) {
      closer = "?>";
    }
    const std::size_t end = text.find(closer, at);
    if (end == std::string_view::npos) return std::nullopt;
    const std::string_view inside = text.substr(at + 1, end - at - 1);
    at = end + closer.size();
    if (inside.starts_with("!") || inside.starts_with("?")) {
      if (inside.find('[') != std::string_view::npos) return std::nullopt;
      continue;
    }
    if (inside.starts_with("/")) {
      tokens.push_back({Token::Kind::close, element_name(inside.substr(1))});
    } else if (inside.ends_with("/")) {
      tokens.push_back({Token::Kind::empty, element_name(inside)});
    } else {
      tokens.push_back({Token::Kind::open, element_name(inside)});
    }
  }
  return tokens;
}

void append_utf8(std::string& out, std::uint32_t code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

std::optional<std::uint32_t> character_reference(std::string_view name) {
  if (!name.starts_with("#")) return std::nullopt;
  name.remove_prefix(1);
  int base = 10;
  if (name.starts_with("x")) {
    name.remove_prefix(1);
    base = 16;
  }
  std::uint32_t code = 0;
  const auto [end, error] = std::from_chars(name.data(), name.data() + name.size(), code, base);
  const bool is_character = code != 0 && code <= 0x10FFFF && !(code >= 0xD800 && code <= 0xDFFF);
  if (name.empty() || error != std::errc() || end != name.data() + name.size() || !is_character) {
    return std::nullopt;
  }
  return code;
}

// XML's predefined entities and character references; nullopt for any other
// entity, whose meaning a DTD would have to give.
std::optional<std::string> decoded(std::string_view raw) {
  static const std::map<std::string_view, char> predefined = {
      {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}};
  std::string text;
  std::size_t at = 0;
  while (at < raw.size()) {
    const std::size_t amp = raw.find('&', at);
    text += raw.substr(at, amp - at);
    if (amp == std::string_view::npos) break;
    const std::size_t semicolon = raw.find(';', amp);
    if (semicolon == std::string_view::npos) return std::nullopt;
    const std::string_view name = raw.substr(amp + 1, semicolon - amp - 1);
    if (auto found = predefined.find(name); found != predefined.end()) {
      text += found->second;
    } else if (auto code = character_reference(name)) {
      append_utf8(text, *code);
    } else {
      return std::nullopt;
    }
    at = semicolon + 1;
  }
  return text;
}

// The string values of <plist><dict>'s own keys; a key whose value is no
// string, or a string that does not decode, is left out.
std::optional<std::map<std::string, std::string, std::less<>>> top_level_strings(
    const std::vector<Token>& tokens) {
  std::map<std::string, std::string, std::less<>> strings;
  std::vector<std::string_view> open;
  std::optional<std::string> key;
  bool seen_plist = false;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const Token& token = tokens[i];
    const bool in_top_dict = open.size() == 2 && open[1] == "dict";
    switch (token.kind) {
      case Token::Kind::text:
        break;
      case Token::Kind::close:
        if (open.empty() || open.back() != token.content) return std::nullopt;
        open.pop_back();
        break;
      case Token::Kind::empty:
        if (in_top_dict && key && token.content == "string") strings[*key] = "";
        if (in_top_dict) key.reset();
        break;
      case Token::Kind::open: {
        if (open.empty()) {
          if (seen_plist || token.content != "plist") return std::nullopt;
          seen_plist = true;
        }
        const bool leaf = in_top_dict && (token.content == "key" || token.content == "string");
        if (leaf && i + 1 < tokens.size()) {
          // <key>x</key> or <string>x</string>; <key></key> has no text token.
          std::string_view raw;
          if (tokens[i + 1].kind == Token::Kind::text) raw = tokens[++i].content;
          std::optional<std::string> value = decoded(raw);
          if (token.content == "key") {
            key = value;
          } else if (key && value) {
            strings[*key] = *value;
            key.reset();
          } else {
            key.reset();
          }
        } else if (in_top_dict) {
          key.reset();
        }
        open.push_back(token.content);
        break;
      }
    }
  }
  if (!seen_plist || !open.empty()) return std::nullopt;
  return strings;
}

std::string value_or_empty(const std::map<std::string, std::string, std::less<>>& strings,
                           std::string_view name) {
  auto found = strings.find(name);
  return found == strings.end() ? "" : found->second;
}

}  // namespace

std::optional<SystemVersion> parse_system_version_plist(std::string_view text) {
  const std::optional<std::vector<Token>> tokens = tokens_of(text);
  if (!tokens) return std::nullopt;
  const auto strings = top_level_strings(*tokens);
  if (!strings) return std::nullopt;
  return SystemVersion{value_or_empty(*strings, "ProductName"),
                       value_or_empty(*strings, "ProductVersion"),
                       value_or_empty(*strings, "ProductBuildVersion")};
}

std::string mac_os_version(const std::optional<SystemVersion>& version) {
  if (!version || version->product_version.empty()) return "unknown";
  std::string text = version->product_name.empty() ? "macOS" : version->product_name;
  text += " " + version->product_version;
  if (!version->build_version.empty()) text += " (" + version->build_version + ")";
  return text;
}

}  // namespace pulse
