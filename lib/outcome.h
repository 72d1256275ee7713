// What came of one delivery attempt, in the rows of contract §5.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "event.h"
#include "failure.h"

namespace pulse {

enum class OutcomeKind { delivered, unavailable, protocol, refused };

struct Outcome {
  OutcomeKind kind = OutcomeKind::unavailable;
  std::string message;  // one line: what happened and what to check
  long status = 0;      // HTTP status, 0 when there was no answer
  std::string body;     // the answer's body, capped
  std::optional<std::chrono::seconds> retry_after;
};

inline Outcome unavailable_outcome(std::string message) {
  Outcome outcome;
  outcome.message = std::move(message);
  return outcome;
}

ExitCode exit_code_for(OutcomeKind kind);
std::string_view outcome_name(OutcomeKind kind);

// Classifies an HTTP answer: 2xx delivered; 408, 425, 429, 5xx unavailable;
// 401, 403 refused; everything else (3xx, other 4xx) protocol.
Outcome outcome_for_answer(long status, std::string body,
                           std::optional<std::string_view> retry_after, Clock::time_point now);

// The JSON `error` field of a server's answer, if it has one.
std::optional<std::string> server_error_field(std::string_view body);

// Retry-After as delay-seconds or an HTTP-date (RFC 9110 §10.2.3).
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value,
                                                      Clock::time_point now);

}  // namespace pulse
