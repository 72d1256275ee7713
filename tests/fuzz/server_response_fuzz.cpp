// A server's answer as delivery sees it: the status, the Retry-After header
// and the body. The input reads like an HTTP response after curl's parsing:
//
//   429
//   Retry-After: 120
//
//   {"error": "slow down"}
//
// Whatever the server sends, the outcome's message stays one line and a
// retry delay is never negative.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "outcome.h"

namespace {

std::string_view next_line(std::string_view& text) {
  const std::size_t end = text.find('\n');
  const std::string_view line = text.substr(0, end);
  text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
  return line;
}

// The value as http_client's header callback keeps it: everything after the
// colon, leading blanks included, without the line ending.
std::optional<std::string_view> retry_after_value(std::string_view line) {
  constexpr std::string_view name = "retry-after:";
  if (line.size() <= name.size() ||
      !std::equal(name.begin(), name.end(), line.begin(), [](char expected, char actual) {
        return expected == std::tolower(static_cast<unsigned char>(actual));
      })) {
    return std::nullopt;
  }
  std::string_view value = line.substr(name.size());
  while (!value.empty() && value.back() == '\r') value.remove_suffix(1);
  return value;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::string_view status_line = next_line(input);
  long status = 0;
  const auto [end, error] =
      std::from_chars(status_line.data(), status_line.data() + status_line.size(), status);
  if (error != std::errc() || end != status_line.data() + status_line.size()) return 0;

  std::optional<std::string_view> retry_after;
  while (!input.empty()) {
    const std::string_view line = next_line(input);
    if (line.empty() || line == "\r") break;
    if (auto value = retry_after_value(line)) retry_after = value;
  }

  // A fixed "now" keeps every run reproducible: 2026-11-28T10:52:29Z.
  const auto now = pulse::Clock::from_time_t(1'795'863'149);
  pulse::Outcome outcome = pulse::outcome_for_answer(status, std::string(input), retry_after, now);
  // Retry-After's HTTP-date is the Date header's format: the same value
  // drives the clock-skew rule.
  pulse::account_for_clock_skew(outcome, retry_after, now);
  if (outcome.message.find_first_of("\r\n") != std::string::npos) std::abort();
  if (outcome.retry_after && *outcome.retry_after < std::chrono::seconds(0)) std::abort();
  return 0;
}
