// The enrollment token (contract §7): where it comes from, and how it is kept
// so that no copy of it lingers in memory once enrollment is done.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "secret.h"

namespace pulse {

// A token held in one buffer, overwritten when it goes away. Movable so it
// can be returned; never copied.
class Token {
 public:
  // Copied straight into the wiped buffer: a temporary string would leave
  // a short token's bytes behind.
  explicit Token(std::string_view text) { text_->assign(text); }

  std::string_view view() const { return *text_; }

 private:
  Wiped<std::string> text_;
};

// What the command line and environment offer. Views, not copies, so reading
// the token makes no unwiped copy of it.
struct TokenSources {
  std::optional<std::filesystem::path> file;       // --token-file
  std::optional<std::string_view> argument;        // --token: the token, or "-" for stdin
  std::optional<std::string_view> environment;     // PHAROS_ENROLL_TOKEN
  int standard_input = 0;
};

// The token from the first of --token-file, --token and PHAROS_ENROLL_TOKEN
// that is given: the first line of the file or stream, or the value, with
// surrounding white space trimmed. --token VALUE logs a warning that the
// process list shows it. No token, or an empty one, is Failure(usage); an
// unreadable file is Failure(configuration).
Token read_token(const TokenSources& sources);

}  // namespace pulse
