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
  // How far the server's clock (its Date header) is ahead of ours, when a
  // difference that large made this a 4xx we keep the event for.
  std::optional<std::chrono::seconds> clock_skew;
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

// Beyond this, a 4xx answer is taken to be about our clock (contract §6).
constexpr std::chrono::minutes kMaxClockSkew(5);

// A 4xx from a server whose Date is more than kMaxClockSkew away from `now`
// most likely refuses our clock, not the event: the outcome becomes
// unavailable, so the event is kept until the clock is set, and the message
// names the skew. Other outcomes are left alone.
void account_for_clock_skew(Outcome& outcome, std::optional<std::string_view> server_date,
                            Clock::time_point now);

// The JSON `error` field of a server's answer, if it has one.
std::optional<std::string> server_error_field(std::string_view body);

// Retry-After as delay-seconds or an HTTP-date (RFC 9110 §10.2.3).
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value,
                                                      Clock::time_point now);

}  // namespace pulse
