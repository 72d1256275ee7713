#include "duration.h"

#include <array>
#include <cstdint>

namespace pulse {
namespace {

struct Unit {
  std::string_view suffix;
  std::int64_t milliseconds;
};

// "ms" before "m" so that the longer suffix wins.
constexpr std::array<Unit, 4> kUnits{{{"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}}};

}  // namespace

std::optional<Duration> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::int64_t total = 0;
  constexpr std::int64_t kMax = kLongestDuration.count();
  while (!text.empty()) {
    std::int64_t number = 0;
    std::size_t digits = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') {
      const int digit = text[digits] - '0';
      if (number > (kMax - digit) / 10) return std::nullopt;
      number = number * 10 + digit;
      ++digits;
    }
    if (digits == 0) return std::nullopt;
    text.remove_prefix(digits);
    const Unit* unit = nullptr;
    for (const Unit& candidate : kUnits) {
      if (text.starts_with(candidate.suffix)) {
        unit = &candidate;
        break;
      }
    }
    if (unit == nullptr) return std::nullopt;
    text.remove_prefix(unit->suffix.size());
    if (number > (kMax - total) / unit->milliseconds) return std::nullopt;
    total += number * unit->milliseconds;
  }
  return Duration(total);
}

std::string format_duration(Duration duration) {
  std::int64_t remaining = duration.count();
  if (remaining == 0) return "0s";
  std::string text;
  for (auto unit = kUnits.rbegin(); unit != kUnits.rend(); ++unit) {
    if (remaining >= unit->milliseconds) {
      text += std::to_string(remaining / unit->milliseconds) + std::string(unit->suffix);
      remaining %= unit->milliseconds;
    }
  }
  return text;
}

}  // namespace pulse
