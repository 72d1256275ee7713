#include "ph_protocol.h"

#include <nlohmann/json.hpp>

#include "failure.h"
#include "terminal_text.h"

namespace pulse {
namespace {

// Longer than any reply pharos-server sends to id/add/login/auth.
constexpr std::size_t kMaxReplyLine = 8 * 1024;
constexpr std::size_t kMaxLinesPerReply = 256;

// A login alias goes bare, as the Rust agent sent it, unless the tokenizer
// would split or unescape it.
bool is_plain_word(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                       (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
    if (!plain) return false;
  }
  return true;
}

std::string string_at(const nlohmann::json& object, const char* key) {
  return object.at(key).get<std::string>();
}

nlohmann::json parsed_payload(const StoredEvent& event) {
  auto json = nlohmann::json::parse(event.payload, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    throw DamagedEvent("event " + event.id + " has no JSON payload");
  }
  return json;
}

// Ph addresses are plain: an interface zone ("%eth0") is not part of one.
std::string without_zone(std::string address) {
  if (auto percent = address.find('%'); percent != std::string::npos) address.resize(percent);
  return address;
}

std::string field(std::string_view name, std::string_view value) {
  return " " + std::string(name) + "=" + ph_quote(name, value);
}

// A number goes as its digits, as the Rust agent sent cpu_cores.
std::string text_of(const nlohmann::json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

// What the Rust agent sent with its ONLINE, with its names, plus ours. The
// hub appends to ip_addr and mac_addr, so they go once per boot, not with
// every heartbeat. os_name and os_version come from the inventory, so the
// console's "{os_name} {os_version}" line reads right; a value the
// inventory left out is left out here.
std::string ph_online_fields(const nlohmann::json& payload) {
  const auto& identity = payload.at("identity");
  const auto& metadata = payload.at("metadata");
  const nlohmann::json inventory = payload.value("inventory", nlohmann::json::object());
  auto from_inventory = [&inventory](std::initializer_list<const char*> names) {
    std::string fields;
    for (const char* name : names) {
      if (inventory.contains(name)) fields += field(name, text_of(inventory.at(name)));
    }
    return fields;
  };
  std::string line = field("uuid", string_at(identity, "hw_uuid")) +
                     from_inventory({"os_name", "os_version"}) +
                     field("kernel_version", string_at(metadata, "kernel_version")) +
                     from_inventory({"cpu_brand", "cpu_cores", "mem_total_kb", "serial_number",
                                     "manufacturer", "product_name"});
  for (const auto& address : metadata.at("local_ips")) {
    line += field("ip_addr", without_zone(address.get<std::string>()));
  }
  for (const auto& mac : inventory.value("mac_addrs", nlohmann::json::array())) {
    line += field("mac_addr", mac.get<std::string>());
  }
  return line + field("ssh_pubkey_fingerprint", string_at(identity, "ssh_pubkey_fingerprint")) +
         field("os_family", string_at(metadata, "os_family")) +
         field("platform", string_at(metadata, "platform"));
}

std::string hint_for(int code, std::string_view hostname) {
  const std::string host(hostname);
  switch (code) {
    case 506:
      return "; the login challenge expired or another login for '" + host +
             "' replaced it; the event is retried";
    case 511:
      return "; another node's key owns host name '" + host +
             "' on the hub: give this node its own identity.hostname or remove the old record";
    case 516:
      return "; the hub does not know this node's key or the signature did not verify: register "
             "the key as '" + ph_key_file_name(hostname) +
             "' (pharos-pulse enroll --preprovisioned prints how)";
    case 517:
      return "; the key may not write this record: on a scoped hub it must be saved as '" +
             ph_key_file_name(hostname) + "'";
    case 512:
      return "; the hub refused a value (for example the record exists with another type)";
    case 598:
    case 599:
      return "; check that server.url names a pharos-server hub";
    default:
      return "";
  }
}

}  // namespace

std::string ph_quote(std::string_view field, std::string_view value) {
  if (value.find_first_of("\r\n") != std::string_view::npos) {
    std::string message = "cannot send '" + std::string(field) +
                          "' over ph://: its value contains a line break (CR or LF)";
    if (field == "hostname") message += "; check identity.hostname";
    throw Failure(ExitCode::configuration, message);
  }
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '\\' || c == '"') quoted += '\\';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

std::string ph_id_command(std::string_view hostname) {
  // The "pulse-" prefix makes the hub record source=pharos-pulse.
  return "id " + ph_quote("hostname", "pulse-" + std::string(hostname));
}

std::string ph_event_hostname(const StoredEvent& event) {
  try {
    return string_at(parsed_payload(event).at("identity"), "hostname");
  } catch (const nlohmann::json::exception& error) {
    throw DamagedEvent("event " + event.id + " has no host name: " + error.what());
  }
}

std::string ph_add_command(const StoredEvent& event) {
  const nlohmann::json payload = parsed_payload(event);
  try {
    const auto& identity = payload.at("identity");
    const std::string kind = string_at(payload, "event");
    // The record is keyed by the first hostname=, and a record is created
    // only with a type: sending it every time lets a hub that lost its data
    // re-create the record instead of refusing heartbeats.
    std::string line = "add" + field("hostname", string_at(identity, "hostname")) +
                       field("type", "machine") +
                       field("status", kind == "OFFLINE" ? "offline" : "online");
    if (kind == "ONLINE") line += ph_online_fields(payload);
    // The event's own time, so a spooled OFFLINE keeps it.
    return line + field("pulse_event", kind) +
           field("pulse_timestamp", string_at(payload, "timestamp"));
  } catch (const nlohmann::json::exception& error) {
    throw DamagedEvent("event " + event.id + " lacks a field ph:// needs: " +
                                error.what());
  }
}

std::string ph_login_command(std::string_view hostname) {
  return "login " +
         (is_plain_word(hostname) ? std::string(hostname) : ph_quote("hostname", hostname));
}

std::string ph_auth_command(std::string_view public_line, std::string_view signature_base64) {
  return "auth " + ph_quote("public key", public_line) + " " +
         ph_quote("signature", signature_base64);
}

bool is_ph_challenge(std::string_view text) {
  if (text.size() < 16 || text.size() > 128) return false;
  return text.find_first_not_of("0123456789abcdefABCDEF") == std::string_view::npos;
}

std::optional<PhReplyLine> parse_ph_reply_line(std::string_view line) {
  PhReplyLine parsed;
  if (line.starts_with('-')) {
    parsed.data = true;
    line.remove_prefix(1);
  }
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 4) return std::nullopt;
  for (char c : line.substr(0, colon)) {
    if (c < '0' || c > '9') return std::nullopt;
    parsed.code = parsed.code * 10 + (c - '0');
  }
  parsed.text = std::string(line.substr(colon + 1));
  return parsed;
}

std::optional<PhReply> PhReplyReader::next() {
  for (;;) {
    const std::size_t end = buffer_.find('\n');
    if (end == std::string::npos) {
      if (buffer_.size() > kMaxReplyLine) throw PhProtocolError("the hub sent an overlong line");
      return std::nullopt;
    }
    std::string line = buffer_.substr(0, end);
    buffer_.erase(0, end + 1);
    if (line.ends_with('\r')) line.pop_back();
    if (line.size() > kMaxReplyLine) throw PhProtocolError("the hub sent an overlong line");
    std::optional<PhReplyLine> parsed = parse_ph_reply_line(line);
    if (!parsed) {
      throw PhProtocolError("the hub sent a line that is not a Ph reply: '" +
                            escape_server_text(line) + "'");
    }
    if (parsed->is_final()) {
      lines_in_reply_ = 0;
      return PhReply{parsed->code, std::move(parsed->text)};
    }
    if (++lines_in_reply_ > kMaxLinesPerReply) {
      throw PhProtocolError("the hub sent a reply of more than " +
                            std::to_string(kMaxLinesPerReply) + " lines");
    }
  }
}

OutcomeKind ph_code_kind(int code) {
  if (code >= 200 && code < 300) return OutcomeKind::delivered;
  if (code == 511 || code == 516 || code == 517) return OutcomeKind::refused;
  // 506 ends an exchange only after a login: the challenge expired or
  // another login for the same alias replaced it. A new connection gets a
  // new challenge, so it is worth retrying.
  if (code == 506 || (code >= 400 && code < 500)) return OutcomeKind::unavailable;
  return OutcomeKind::protocol;
}

Outcome ph_reply_outcome(std::string_view command, const PhReply& reply,
                         std::string_view hostname) {
  Outcome outcome;
  outcome.kind = ph_code_kind(reply.code);
  outcome.status = reply.code;
  outcome.body = reply.text;
  outcome.message = "hub answered " + std::to_string(reply.code) + " to " + std::string(command) +
                    ": " + escape_server_text(reply.text) + hint_for(reply.code, hostname);
  return outcome;
}

std::string ph_key_file_name(std::string_view hostname) {
  return std::string(hostname) + "-admin_id_ed25519.pub";
}

std::string ph_registration_instructions(std::string_view public_line,
                                         std::string_view hostname) {
  return "save this line as '" + ph_key_file_name(hostname) +
         "' in pharos-server's keys directory:\n" + std::string(public_line) +
         "\nthen reload pharos-server\n";
}

}  // namespace pulse
