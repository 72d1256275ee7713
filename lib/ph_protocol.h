// Ph (RFC 2378) as pharos-server 1.12 speaks it (contract §11): the lines
// pharos-pulse sends and the replies it reads. No I/O here; the connection
// is in ph_channel.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "event.h"
#include "outcome.h"

namespace pulse {

// The hub answered something that is not Ph (becomes a `protocol` outcome).
class PhProtocolError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A value as one Ph token: "…" with `\` sent as `\\` and `"` as `\"`.
// Throws Failure(configuration) when the value holds CR or LF, which no Ph
// line can carry; `field` names the value in the message.
std::string ph_quote(std::string_view field, std::string_view value);

// The commands of one exchange, without the line end. `hostname` is the
// node's host name: the record's key and the login alias.
std::string ph_id_command(std::string_view hostname);
std::string ph_add_command(const StoredEvent& event);
std::string ph_login_command(std::string_view hostname);
std::string ph_auth_command(std::string_view public_line, std::string_view signature_base64);
inline constexpr std::string_view kPhQuitCommand = "quit";

// A login challenge as the hub sends it after `301:` (32 hex characters;
// 16 to 128 accepted). Only hex is ever signed, so a hostile hub cannot make
// the node sign something that passes for an HTTPS request signature.
bool is_ph_challenge(std::string_view text);

// The payload's identity.hostname. ph_add_command and this throw
// DamagedEvent for a payload that lacks a field the add needs.
std::string ph_event_hostname(const StoredEvent& event);

// One reply line, `CODE:text` or `-CODE:…` for data lines.
struct PhReplyLine {
  int code = 0;
  bool data = false;  // began with '-'
  std::string text;

  // Lines with codes below 200 and data lines come before the one final
  // line of a reply.
  bool is_final() const { return !data && code >= 200; }
};

// nullopt for a line that is not `[-]CODE:text` (CR already stripped).
std::optional<PhReplyLine> parse_ph_reply_line(std::string_view line);

// A whole reply: its final line's code and text.
struct PhReply {
  int code = 0;
  std::string text;
};

// Splits received bytes into replies: LF ends a line, a CR before it is
// dropped. Caps line length and reply size, so a hostile hub cannot make
// the agent buffer without bound.
class PhReplyReader {
 public:
  void feed(std::string_view bytes) { buffer_.append(bytes); }

  // The next whole reply, or nullopt until more bytes arrive. Throws
  // PhProtocolError for a malformed or overlong line or reply.
  std::optional<PhReply> next();

 private:
  std::string buffer_;
  std::size_t lines_in_reply_ = 0;
};

// What a final code that ends an exchange means: 2xx delivered; 511
// (another key owns the host name), 516 (key unknown or bad signature) and
// 517 refused; other 4xx unavailable (RFC 2378's temporary errors); 512,
// 598, 599 and anything else protocol.
OutcomeKind ph_code_kind(int code);

// The outcome of `reply` to `command` ("add", "auth", …) for the node
// `hostname`: the kind by ph_code_kind, a one-line message with the hub's
// text and what to do, and the code in Outcome::status.
Outcome ph_reply_outcome(std::string_view command, const PhReply& reply,
                         std::string_view hostname);

// The hub's file name for a node's key with write access (scoped tier).
std::string ph_key_file_name(std::string_view hostname);

// What an operator does to register the node on a Ph hub, as lines to
// print: the .pub line, the file name to save it as, then the reload.
std::string ph_registration_instructions(std::string_view public_line,
                                         std::string_view hostname);

}  // namespace pulse
