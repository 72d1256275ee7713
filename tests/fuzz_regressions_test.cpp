// Inputs the fuzz targets of tests/fuzz found crashing, fed to the real
// parsers. Each input is also in tests/fuzz/regressions/TARGET/, which
// scripts/fuzz.sh replays on every run.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include "config_file.h"
#include "duration.h"
#include "failure.h"
#include "outcome.h"

using namespace std::chrono_literals;

namespace {

std::string config_failure(const std::string& text) {
  pulse::Settings settings;
  try {
    pulse::apply_config_text(text, "pulse.toml", settings);
  } catch (const pulse::Failure& failure) {
    CHECK(failure.code() == pulse::ExitCode::configuration);
    return failure.what();
  }
  FAIL("expected a configuration error");
  return "";
}

}  // namespace

// config_fuzz: the seconds of a bare integer overflowed as milliseconds
// (signed overflow in std::chrono's conversion).
TEST_CASE("fuzz regression: an integer duration too long for milliseconds", "[fuzz][config]") {
  CHECK(config_failure("[server]\ntimeout = 9223372036854775807\n") ==
        "pulse.toml:2: server.timeout: the duration is too long");
  // The limit is parse_duration's: the longest "…s" it reads is accepted.
  constexpr long long longest = pulse::kLongestDuration.count() / 1000;
  pulse::Settings settings;
  pulse::apply_config_text("[heartbeat]\ninterval = " + std::to_string(longest) + "\n",
                           "pulse.toml", settings);
  CHECK(settings.heartbeat_interval == pulse::parse_duration(std::to_string(longest) + "s"));
  CHECK(config_failure("[heartbeat]\ninterval = " + std::to_string(longest + 1) + "\n") ==
        "pulse.toml:2: heartbeat.interval: the duration is too long");
  CHECK_FALSE(pulse::parse_duration(std::to_string(longest + 1) + "s"));
}

// server_response_fuzz: an HTTP-date past 2262 overflowed system_clock's
// nanoseconds in from_time_t; it is now capped like a delay in seconds.
TEST_CASE("fuzz regression: a Retry-After date in the year 9999", "[fuzz][outcome]") {
  const auto now = pulse::Clock::from_time_t(1'795'863'149);  // 2026-11-28T10:52:29Z
  CHECK(pulse::parse_retry_after("Fri, 01 Jan 9999 00:00:00 GMT", now) == 999'999'999s);
  const pulse::Outcome outcome =
      pulse::outcome_for_answer(503, "", " Fri, 01 Jan 9999 00:00:00 GMT", now);
  CHECK(outcome.kind == pulse::OutcomeKind::unavailable);
  CHECK(outcome.retry_after == 999'999'999s);
}

// config_fuzz: toml++ 3.3.0 reaches __builtin_unreachable() when it asks
// whether certain non-ASCII characters are whitespace (its issue #295), so
// they are refused but in comment lines, where toml++ never asks.
TEST_CASE("fuzz regression: characters toml++ cannot read safely", "[fuzz][config]") {
  const std::string refused =
      " is allowed only in comment lines (this toml++ cannot read it safely)";
  CHECK(config_failure("[identity]\nhostname = \"edge\" \xC3\xA9\n") ==
        "pulse.toml:2: character U+00E9" + refused);
  CHECK(config_failure("[identity]\nhostname = \"\"\"edge\\\n\n  \xE3\x81\x82\"\"\"\n") ==
        "pulse.toml:4: character U+3042" + refused);
  // A quote inside a malformed bare value does not open a string.
  CHECK(config_failure("a = 1979-05-27T07:32:mmmm\"\xCF\x97mm0Ze}\n") ==
        "pulse.toml:1: character U+03D7" + refused);
  CHECK(config_failure("[identity]\nhostname = \"caf\xC3\xA9\" # ok\n") ==
        "pulse.toml:2: character U+00E9" + refused);

  pulse::Settings settings;
  pulse::apply_config_text("# caf\xC3\xA9 \"\n[identity]\n  # \xD0\xB6 \xC3\xA9\n"
                           "hostname = \"edge\" # ok\nkey_file = '''\n#\xC3\xA9'''\n",
                           "pulse.toml", settings);
  CHECK(settings.hostname == "edge");
  CHECK(settings.key_file == "#\xC3\xA9");
}
