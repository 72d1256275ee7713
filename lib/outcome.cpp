#include "outcome.h"

#include <curl/curl.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "terminal_text.h"

namespace pulse {
namespace {

OutcomeKind kind_for_status(long status) {
  if (status >= 200 && status < 300) return OutcomeKind::delivered;
  if (status == 408 || status == 425 || status == 429 || (status >= 500 && status < 600)) {
    return OutcomeKind::unavailable;
  }
  if (status == 401 || status == 403) return OutcomeKind::refused;
  return OutcomeKind::protocol;
}

}  // namespace

ExitCode exit_code_for(OutcomeKind kind) {
  switch (kind) {
    case OutcomeKind::delivered: return ExitCode::ok;
    case OutcomeKind::unavailable: return ExitCode::unavailable;
    case OutcomeKind::protocol: return ExitCode::protocol;
    case OutcomeKind::refused: return ExitCode::refused;
  }
  return ExitCode::internal;
}

std::string_view outcome_name(OutcomeKind kind) {
  switch (kind) {
    case OutcomeKind::delivered: return "delivered";
    case OutcomeKind::unavailable: return "unavailable";
    case OutcomeKind::protocol: return "protocol";
    case OutcomeKind::refused: return "refused";
  }
  return "";
}

std::optional<std::string> server_error_field(std::string_view body) {
  auto json = nlohmann::json::parse(body, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return std::nullopt;
  auto error = json.find("error");
  if (error == json.end() || !error->is_string()) return std::nullopt;
  return escape_server_text(error->get<std::string>());
}

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value,
                                                      Clock::time_point now) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  constexpr std::chrono::seconds longest(999'999'999);
  if (value.find_first_not_of("0123456789") == std::string_view::npos) {
    if (value.size() > 9) return longest;
    return std::chrono::seconds(std::stoll(std::string(value)));
  }
  const time_t when = curl_getdate(std::string(value).c_str(), nullptr);
  if (when < 0) return std::nullopt;
  // In seconds and capped like delay-seconds: curl reads years up to 9999,
  // and a date past 2262 would overflow system_clock's nanoseconds.
  const auto delay = std::chrono::seconds(when) -
                     std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch());
  return std::clamp(delay, std::chrono::seconds(0), longest);
}

void account_for_clock_skew(Outcome& outcome, std::optional<std::string_view> server_date,
                            Clock::time_point now) {
  if (outcome.status < 400 || outcome.status >= 500 || !server_date) return;
  const time_t server_now = curl_getdate(std::string(*server_date).c_str(), nullptr);
  if (server_now < 0) return;
  const auto skew = std::chrono::seconds(server_now) -
                    std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch());
  if (std::chrono::abs(skew) <= kMaxClockSkew) return;
  outcome.kind = OutcomeKind::unavailable;
  outcome.clock_skew = skew;
  outcome.message += "; the local clock is " + std::to_string(std::chrono::abs(skew).count()) +
                     " s " + (skew.count() > 0 ? "behind" : "ahead of") + " the server's";
}

Outcome outcome_for_answer(long status, std::string body,
                           std::optional<std::string_view> retry_after, Clock::time_point now) {
  Outcome outcome;
  outcome.kind = kind_for_status(status);
  outcome.status = status;
  if (retry_after) outcome.retry_after = parse_retry_after(*retry_after, now);
  outcome.message = "server answered " + std::to_string(status);
  if (auto error = server_error_field(body)) outcome.message += ": " + *error;
  if (status >= 300 && status < 400) {
    outcome.message += " (redirects are not followed; check server.url)";
  }
  outcome.body = std::move(body);
  return outcome;
}

}  // namespace pulse
