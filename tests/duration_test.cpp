#include <catch2/catch.hpp>

#include "duration.h"

using namespace std::chrono_literals;
using pulse::Duration;
using pulse::format_duration;
using pulse::parse_duration;

TEST_CASE("durations combine units", "[duration]") {
  CHECK(parse_duration("90s") == Duration(90s));
  CHECK(parse_duration("60m") == Duration(60min));
  CHECK(parse_duration("1h30m") == Duration(90min));
  CHECK(parse_duration("250ms") == Duration(250ms));
  CHECK(parse_duration("1m1s1ms") == Duration(61001ms));
  CHECK(parse_duration("0s") == Duration(0));
}

TEST_CASE("anything but digits followed by a unit is refused", "[duration]") {
  for (const char* bad : {"", "10", "s", "1x", "1.5h", "-1s", " 1s", "1s ", "1 s", "1hh", "9999999999999999999h"}) {
    INFO(bad);
    CHECK_FALSE(parse_duration(bad));
  }
}

TEST_CASE("formatting reads back", "[duration]") {
  CHECK(format_duration(Duration(90min)) == "1h30m");
  CHECK(format_duration(Duration(250ms)) == "250ms");
  CHECK(format_duration(Duration(0)) == "0s");
  for (Duration d : {Duration(1), Duration(61001ms), Duration(25h)}) {
    CHECK(parse_duration(format_duration(d)) == d);
  }
}

TEST_CASE("a duration is at most 100 years, so deadlines in nanoseconds cannot overflow",
          "[duration]") {
  CHECK(parse_duration("876000h") == pulse::kLongestDuration);
  CHECK(parse_duration("875999h59m59s1000ms") == pulse::kLongestDuration);
  CHECK_FALSE(parse_duration("876000h1ms"));
  CHECK_FALSE(parse_duration("2562048h"));
  // A deadline after ten years of uptime (UBSan reports an overflow).
  const auto ten_years_up = std::chrono::steady_clock::time_point{} + 24h * 365 * 10;
  CHECK((ten_years_up + pulse::kLongestDuration) - ten_years_up == pulse::kLongestDuration);
}
