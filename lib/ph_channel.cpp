#include "ph_channel.h"

#include <system_error>

#include "failure.h"
#include "files.h"
#include "ph_connection.h"
#include "ph_protocol.h"

namespace pulse {
namespace {

// A reply the exchange cannot go on from. A success code where another was
// needed (a login without a challenge) is the hub's mistake: protocol.
Outcome stopped_at(std::string_view command, const PhReply& reply, std::string_view hostname,
                   std::string_view expected) {
  Outcome outcome = ph_reply_outcome(command, reply, hostname);
  if (outcome.kind == OutcomeKind::delivered) {
    outcome.kind = OutcomeKind::protocol;
    outcome.message += " (expected " + std::string(expected) + ")";
  }
  return outcome;
}

// The lines of one delivery, made before connecting so that a value no Ph
// line can carry stops it before the hub sees anything.
struct PhCommands {
  std::string hostname;
  std::string id;
  std::string add;
  std::string login;
};

// One session on a connection: greeting, id, add, and the login when the
// hub asks for it.
class PhSession {
 public:
  PhSession(PhConnection& connection, const Identity& identity, const std::string& public_line,
            const PhCommands& commands)
      : connection_(connection),
        identity_(identity),
        public_line_(public_line),
        commands_(commands) {}

  // The outcome is the add's final code, or the reply that stopped the
  // session before it.
  Outcome run() {
    PhReply reply = connection_.read_reply();
    if (ph_code_kind(reply.code) != OutcomeKind::delivered) {
      return stopped_at("the connection", reply, commands_.hostname, "200:Database ready");
    }
    reply = ask(commands_.id);
    if (ph_code_kind(reply.code) != OutcomeKind::delivered) {
      return stopped_at("id", reply, commands_.hostname, "200");
    }
    reply = ask(commands_.add);
    if (reply.code == 506) {
      if (std::optional<Outcome> refused = log_in()) return *refused;
      reply = ask(commands_.add);
    }
    // Every add's final code counts: an unchecked 511 or 512 would be a
    // node silently lost from the hub.
    return ph_reply_outcome("add", reply, commands_.hostname);
  }

 private:
  PhReply ask(const std::string& command) {
    connection_.send_line(command);
    return connection_.read_reply();
  }

  // login → 301:<challenge>, auth with the signed challenge → 200. nullopt
  // once authenticated, else the outcome that ends the exchange.
  std::optional<Outcome> log_in() {
    // The node's own host name as the alias: the hub keeps one pending
    // challenge per alias, server-wide.
    const PhReply challenge = ask(commands_.login);
    if (challenge.code != 301 || !is_ph_challenge(challenge.text)) {
      Outcome outcome = stopped_at("login", challenge, commands_.hostname, "301:<challenge>");
      if (challenge.code == 301) {
        outcome.kind = OutcomeKind::protocol;
        outcome.message += " (not a hex challenge)";
      }
      return outcome;
    }
    // The ASCII of the hex string is signed, not the bytes it encodes.
    const Signature signature = identity_.sign(as_bytes(challenge.text));
    const PhReply answer = ask(ph_auth_command(public_line_, base64(signature)));
    if (ph_code_kind(answer.code) != OutcomeKind::delivered) {
      return ph_reply_outcome("auth", answer, commands_.hostname);
    }
    return std::nullopt;
  }

  PhConnection& connection_;
  const Identity& identity_;
  const std::string& public_line_;
  const PhCommands& commands_;
};

Outcome failed(OutcomeKind kind, std::string message) {
  Outcome outcome;
  outcome.kind = kind;
  outcome.message = std::move(message);
  return outcome;
}

}  // namespace

Outcome PhPresenceChannel::deliver(const StoredEvent& event) {
  PhCommands commands;
  try {
    commands.hostname = ph_event_hostname(event);
    commands.id = ph_id_command(commands.hostname);
    commands.add = ph_add_command(event);
    commands.login = ph_login_command(commands.hostname);
  } catch (const DamagedEvent& error) {
    // Only a damaged spool file gets here; retrying cannot mend it.
    return failed(OutcomeKind::protocol, std::string("cannot send over ph://: ") + error.what());
  } catch (const Failure& failure) {
    // A value with a line break (one the metadata read afresh): the event
    // is kept and retried like any undelivered one, so none is lost.
    return unavailable_outcome(std::string("cannot deliver: ") + failure.what());
  }
  try {
    PhConnection connection(server_, transport_);
    PhSession session(connection, identity_, public_line_, commands);
    Outcome outcome = session.run();
    try {
      connection.send_line(kPhQuitCommand);
      connection.read_reply();
    } catch (const PhExchangeError&) {
      // The add's answer is in; how the hub says goodbye changes nothing.
    }
    return outcome;
  } catch (const PhExchangeError& error) {
    return failed(error.kind(), error.what());
  }
}

std::string PhPresenceChannel::dry_run(const StoredEvent& event) {
  const std::string hostname = ph_event_hostname(event);
  return ph_id_command(hostname) + "\n" + ph_add_command(event) + "\n" +
         std::string(kPhQuitCommand) + "\n";
}

std::string ph_public_line(const Identity& identity, const std::filesystem::path& key_file) {
  const std::string own = identity.public_line();
  if (key_file.empty()) return own;
  std::filesystem::path public_file = key_file;
  public_file += ".pub";
  std::optional<std::string> content;
  try {
    content = read_file_if_exists(public_file);
  } catch (const std::system_error&) {
    return own;
  }
  if (!content) return own;
  std::string line = content->substr(0, content->find('\n'));
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) {
    line.pop_back();
  }
  // A .pub left over from another key would only fail the login.
  const std::string key_part = own.substr(0, own.find(' ', own.find(' ') + 1));
  if (line != key_part && !line.starts_with(key_part + " ")) return own;
  return line;
}

}  // namespace pulse
