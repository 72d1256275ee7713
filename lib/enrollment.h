// Token enrollment (contract §7): the signed POST <server>/v1/enroll and what
// the server's answer tells the node to keep.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "event.h"
#include "identity.h"
#include "inventory.h"
#include "metadata.h"
#include "outcome.h"
#include "server_url.h"
#include "signed_request.h"

namespace pulse {

// The optional fields of a 2xx answer, checked.
struct EnrollmentAnswer {
  std::optional<std::string> node_id;
  std::optional<std::string> heartbeat_interval;  // as the server wrote it
  std::optional<std::string> pinned_pubkey;       // only from a verified TLS connection
};

struct EnrollmentResult {
  Outcome outcome;
  EnrollmentAnswer answer;  // empty unless outcome.kind is delivered
};

// {"token", "public_key", "identity", "metadata", "inventory", "timestamp"}.
// The text holds the token: the caller wipes it.
std::string enrollment_body(std::string_view token, const Identity& identity,
                            const Metadata& metadata, const Inventory& inventory,
                            const std::string& timestamp);

// Reads the answer to a delivered request: a JSON object whose node_id,
// heartbeat_interval and pinned_pubkey, when present, are well formed.
// Anything else makes the outcome `protocol`. The server's pin is kept only
// when `verified_tls`: over plain HTTP anyone could have sent it.
EnrollmentResult read_enrollment_answer(Outcome outcome, bool verified_tls);

// Sends one request; HttpClient::post in the program, a fake in tests.
using Transport = std::function<Outcome(const HttpRequest&)>;

// One signed attempt, with a fresh event id as Idempotency-Key. Enrollment
// is never spooled: an unavailable server is the caller's to report.
EnrollmentResult enroll(const ServerUrl& server, const Transport& post, const Identity& identity,
                        std::string_view token, const Metadata& metadata,
                        const Inventory& inventory, Clock::time_point now);

}  // namespace pulse
