#include "outcome.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>

using Catch::Matchers::Contains;
using pulse::OutcomeKind;

namespace {

const pulse::Clock::time_point kNow = pulse::Clock::from_time_t(1795863149);  // 2026-11-28T10:52:29Z

pulse::Outcome answer(long status, std::string body = "") {
  return pulse::outcome_for_answer(status, std::move(body), std::nullopt, kNow);
}

}  // namespace

TEST_CASE("outcome: every status row of the contract table", "[outcome]") {
  struct Row {
    long status;
    OutcomeKind kind;
  };
  for (const Row& row : {Row{200, OutcomeKind::delivered}, Row{201, OutcomeKind::delivered},
                         Row{202, OutcomeKind::delivered}, Row{204, OutcomeKind::delivered},
                         Row{299, OutcomeKind::delivered}, Row{408, OutcomeKind::unavailable},
                         Row{425, OutcomeKind::unavailable}, Row{429, OutcomeKind::unavailable},
                         Row{500, OutcomeKind::unavailable}, Row{502, OutcomeKind::unavailable},
                         Row{503, OutcomeKind::unavailable}, Row{504, OutcomeKind::unavailable},
                         Row{599, OutcomeKind::unavailable}, Row{401, OutcomeKind::refused},
                         Row{403, OutcomeKind::refused}, Row{300, OutcomeKind::protocol},
                         Row{301, OutcomeKind::protocol}, Row{302, OutcomeKind::protocol},
                         Row{304, OutcomeKind::protocol}, Row{307, OutcomeKind::protocol},
                         Row{308, OutcomeKind::protocol}, Row{400, OutcomeKind::protocol},
                         Row{404, OutcomeKind::protocol}, Row{405, OutcomeKind::protocol},
                         Row{409, OutcomeKind::protocol}, Row{410, OutcomeKind::protocol},
                         Row{413, OutcomeKind::protocol}, Row{422, OutcomeKind::protocol},
                         Row{451, OutcomeKind::protocol}}) {
    INFO(row.status);
    const pulse::Outcome outcome = answer(row.status);
    CHECK(outcome.kind == row.kind);
    CHECK(outcome.status == row.status);
    CHECK_THAT(outcome.message, Contains("server answered " + std::to_string(row.status)));
  }
}

TEST_CASE("outcome: exit codes", "[outcome]") {
  CHECK(pulse::exit_code_for(OutcomeKind::delivered) == pulse::ExitCode::ok);
  CHECK(static_cast<int>(pulse::exit_code_for(OutcomeKind::unavailable)) == 69);
  CHECK(static_cast<int>(pulse::exit_code_for(OutcomeKind::protocol)) == 76);
  CHECK(static_cast<int>(pulse::exit_code_for(OutcomeKind::refused)) == 77);
  CHECK(static_cast<int>(pulse::ExitCode::configuration) == 78);
  CHECK(pulse::outcome_name(OutcomeKind::unavailable) == "unavailable");
  CHECK(pulse::outcome_name(OutcomeKind::refused) == "refused");
  // No answer at all is unavailable by default.
  CHECK(pulse::unavailable_outcome("x").kind == OutcomeKind::unavailable);
  CHECK(pulse::unavailable_outcome("x").status == 0);
}

TEST_CASE("outcome: the server's JSON error is in the message", "[outcome]") {
  const pulse::Outcome refused = answer(401, R"({"error":"token expired"})");
  CHECK(refused.message == "server answered 401: token expired");
  CHECK(refused.body == R"({"error":"token expired"})");
  // Not JSON, or no string "error": the status alone.
  CHECK(answer(500, "<html>oops</html>").message == "server answered 500");
  CHECK(answer(500, R"({"error":42})").message == "server answered 500");
  CHECK(answer(500, R"(["error"])").message == "server answered 500");
}

TEST_CASE("outcome: server text is made printable and short", "[outcome]") {
  const auto error =
      pulse::server_error_field(R"({"error":"line one\nline two\u001b[31m\u009b2J"})");
  REQUIRE(error);
  CHECK(*error == "line one\\x0aline two\\x1b[31m\\u009b2J");
  const auto long_error = pulse::server_error_field(R"({"error":")" + std::string(500, 'x') + "\"}");
  REQUIRE(long_error);
  CHECK(long_error->size() < 220);
  CHECK(long_error->starts_with(std::string(200, 'x')));
  CHECK_FALSE(pulse::server_error_field(""));
  CHECK_FALSE(pulse::server_error_field("{}"));
}

TEST_CASE("outcome: a redirect is not followed and says so", "[outcome]") {
  const pulse::Outcome outcome = answer(302);
  CHECK(outcome.kind == OutcomeKind::protocol);
  CHECK(outcome.message == "server answered 302 (redirects are not followed; check server.url)");
  // Also when the server explains itself.
  CHECK(answer(301, R"({"error":"Moved Permanently"})").message ==
        "server answered 301: Moved Permanently (redirects are not followed; check server.url)");
  CHECK_THAT(answer(404, R"({"error":"not found"})").message, !Contains("redirect"));
}

TEST_CASE("outcome: Retry-After as seconds or an HTTP date", "[outcome]") {
  using std::chrono::seconds;
  CHECK(pulse::parse_retry_after("7", kNow) == seconds(7));
  CHECK(pulse::parse_retry_after(" 120 ", kNow) == seconds(120));
  CHECK(pulse::parse_retry_after("0", kNow) == seconds(0));
  CHECK(pulse::parse_retry_after("99999999999999999999", kNow) == seconds(999'999'999));
  CHECK(pulse::parse_retry_after("Sat, 28 Nov 2026 10:53:29 GMT", kNow) == seconds(60));
  // A date in the past means "now".
  CHECK(pulse::parse_retry_after("Sat, 28 Nov 2026 10:00:00 GMT", kNow) == seconds(0));
  CHECK_FALSE(pulse::parse_retry_after("", kNow));
  CHECK_FALSE(pulse::parse_retry_after("soon", kNow));
  for (const char* bad : {"-5", "+5", "1.5", "5s", "12abc"}) {
    INFO(bad);
    CHECK_FALSE(pulse::parse_retry_after(bad, kNow));
  }
  // The obsolete date forms RFC 9110 §5.6.7 says recipients must accept.
  CHECK(pulse::parse_retry_after("Sunday, 29-Nov-26 10:53:29 GMT", kNow) == seconds(86460));
  CHECK(pulse::parse_retry_after("Sun Nov 29 10:53:29 2026", kNow) == seconds(86460));
  // Far ahead: counted in seconds, never through the clock's nanoseconds
  // (which end in 2262), and no longer than the longest delay-seconds.
  CHECK(pulse::parse_retry_after("Fri, 28 Nov 2036 10:52:29 GMT", kNow) == seconds(315'619'200));
  CHECK(pulse::parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", kNow) == seconds(999'999'999));

  const pulse::Outcome outcome =
      pulse::outcome_for_answer(429, "", std::string_view("7"), kNow);
  CHECK(outcome.kind == OutcomeKind::unavailable);
  CHECK(outcome.retry_after == seconds(7));
  CHECK_FALSE(answer(429).retry_after);
}

TEST_CASE("outcome: a 4xx from a server whose clock is far from ours is unavailable",
          "[outcome]") {
  // kNow is Sat, 28 Nov 2026 10:52:29 GMT.
  pulse::Outcome outcome = answer(400, R"({"error":"created is too far from now"})");
  pulse::account_for_clock_skew(outcome, "Sat, 28 Nov 2026 11:52:41 GMT", kNow);
  CHECK(outcome.kind == OutcomeKind::unavailable);
  CHECK(outcome.clock_skew == std::chrono::seconds(3612));
  CHECK_THAT(outcome.message, Contains("created is too far from now") &&
                                  Contains("the local clock is 3612 s behind the server's"));

  pulse::Outcome refused = answer(401);
  pulse::account_for_clock_skew(refused, "Sat, 28 Nov 2026 10:22:29 GMT", kNow);
  CHECK(refused.kind == OutcomeKind::unavailable);
  CHECK_THAT(refused.message, Contains("the local clock is 1800 s ahead of the server's"));
}

TEST_CASE("outcome: a small skew, a missing or bad Date, or a non-4xx answer stay as they were",
          "[outcome]") {
  pulse::Outcome close = answer(400);
  pulse::account_for_clock_skew(close, "Sat, 28 Nov 2026 10:57:29 GMT", kNow);  // 300 s
  CHECK(close.kind == OutcomeKind::protocol);
  CHECK_FALSE(close.clock_skew);
  for (const char* date : {"", "yesterday"}) {
    pulse::Outcome bad = answer(400);
    pulse::account_for_clock_skew(bad, std::string_view(date), kNow);
    CHECK(bad.kind == OutcomeKind::protocol);
  }
  pulse::Outcome none = answer(404);
  pulse::account_for_clock_skew(none, std::nullopt, kNow);
  CHECK(none.kind == OutcomeKind::protocol);
  for (long status : {200L, 302L, 503L}) {
    pulse::Outcome other = answer(status);
    const OutcomeKind before = other.kind;
    pulse::account_for_clock_skew(other, "Sat, 28 Nov 2026 11:52:41 GMT", kNow);
    CHECK(other.kind == before);
    CHECK_FALSE(other.clock_skew);
  }
}
