// Durations as the config and flags write them: "90s", "60m", "1h30m", "250ms".
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace pulse {

using Duration = std::chrono::milliseconds;

// 100 years: longer than any setting needs, and short enough that a deadline
// on a nanosecond clock (which ends 292 years after its epoch) cannot
// overflow, nor can the sum of two durations.
constexpr Duration kLongestDuration = std::chrono::hours(24 * 365 * 100);

// nullopt for anything but one or more <digits><unit> groups (units ms, s, m,
// h) adding up to at most kLongestDuration.
std::optional<Duration> parse_duration(std::string_view text);

// The shortest form parse_duration reads back: "1h30m", "250ms", "0s".
std::string format_duration(Duration duration);

}  // namespace pulse
