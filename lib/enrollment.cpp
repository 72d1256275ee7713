#include "enrollment.h"

#include <nlohmann/json.hpp>

#include "duration.h"
#include "encoding.h"
#include "failure.h"
#include "log.h"
#include "payload.h"
#include "pin_list.h"
#include "random.h"
#include "secret.h"
#include "terminal_text.h"

namespace pulse {
namespace {

constexpr Duration kShortestHeartbeatInterval = std::chrono::minutes(1);

// The field's string; nullopt when it is absent or null.
std::optional<std::string> string_field(const nlohmann::json& answer, const char* name) {
  const auto field = answer.find(name);
  if (field == answer.end() || field->is_null()) return std::nullopt;
  if (!field->is_string() || field->get_ref<const std::string&>().empty()) {
    throw BadAnswer{std::string(name) + " that is not a non-empty string"};
  }
  return field->get<std::string>();
}

EnrollmentAnswer checked_answer(const nlohmann::json& answer, bool verified_tls) {
  EnrollmentAnswer result;
  result.node_id = string_field(answer, "node_id");
  result.heartbeat_interval = string_field(answer, "heartbeat_interval");
  if (result.heartbeat_interval) {
    const auto interval = parse_duration(*result.heartbeat_interval);
    if (!interval) {
      throw BadAnswer{"a heartbeat_interval that is not a duration such as \"60m\""};
    }
    // "1ms" made a daemon send hundreds of requests a second.
    if (*interval < kShortestHeartbeatInterval) {
      throw BadAnswer{"a heartbeat_interval below " + format_duration(kShortestHeartbeatInterval) +
                      " (\"" + escape_server_text(*result.heartbeat_interval, 40) + "\")"};
    }
  }
  auto pin = string_field(answer, "pinned_pubkey");
  if (pin && !verified_tls) {
    log::warning("ignored the server's pinned_pubkey: it did not come over verified TLS");
  } else if (pin) {
    if (pin_list_problem(*pin)) {
      throw BadAnswer{"a pinned_pubkey that is not sha256//BASE64[;…]"};
    }
    result.pinned_pubkey = std::move(pin);
  }
  return result;
}

}  // namespace

std::string enrollment_body(std::string_view token, const Identity& identity,
                            const Metadata& metadata, const Inventory& inventory,
                            const std::string& timestamp) {
  nlohmann::ordered_json body = {{"token", ""},
                                 {"public_key", identity.public_line()},
                                 {"identity", identity_json(identity.fingerprint(), metadata)},
                                 {"metadata", metadata_json(metadata)},
                                 {"inventory", inventory_json(inventory)},
                                 {"timestamp", timestamp}};
  // Written straight into the JSON's own string, so no temporary copy of
  // the token is left behind, and wiped once the text is made.
  auto& token_value = body["token"].get_ref<std::string&>();
  token_value.assign(token);
  Wiped<std::string&> wipe(token_value);
  return to_body(body);
}

EnrollmentResult read_enrollment_answer(Outcome outcome, bool verified_tls) {
  EnrollmentResult result{std::move(outcome), {}};
  if (result.outcome.kind != OutcomeKind::delivered) return result;
  const std::string answered = "server answered " + std::to_string(result.outcome.status);
  const auto answer = nlohmann::json::parse(result.outcome.body, nullptr, false);
  try {
    if (answer.is_discarded() || !answer.is_object()) throw BadAnswer{"no JSON object"};
    result.answer = checked_answer(answer, verified_tls);
  } catch (const BadAnswer& bad) {
    result.outcome.kind = OutcomeKind::protocol;
    result.outcome.message = answered + " with " + bad.what();
  }
  return result;
}

EnrollmentResult enroll(const ServerUrl& server, const Transport& post, const Identity& identity,
                        std::string_view token, const Metadata& metadata,
                        const Inventory& inventory, Clock::time_point now) {
  // Every request carries an event id as Idempotency-Key (contract §4);
  // an enrollment is an event of its own.
  HttpRequest request = build_signed_request(
      server, "/v1/enroll", identity,
      enrollment_body(token, identity, metadata, inventory, format_timestamp(now)),
      random_token(16), fresh_request_parameters());
  // The body holds the token; it is overwritten however the send ends.
  Wiped<std::string&> wipe(request.body);
  // Verification is always on for https://, so a 2xx over it came through
  // verified TLS; http:// is only allowed to loopback and is never verified.
  return read_enrollment_answer(post(request), server.scheme == Scheme::https);
}

}  // namespace pulse
