#include "event.h"

#include <ctime>
#include <cstdio>

#include "random.h"

namespace pulse {

std::string_view event_name(EventKind kind) {
  switch (kind) {
    case EventKind::online: return "ONLINE";
    case EventKind::heartbeat: return "HEARTBEAT";
    case EventKind::offline: return "OFFLINE";
  }
  return "";
}

std::optional<EventKind> parse_event_kind(std::string_view word) {
  if (word == "online") return EventKind::online;
  if (word == "heartbeat") return EventKind::heartbeat;
  if (word == "offline") return EventKind::offline;
  return std::nullopt;
}

Event make_event(EventKind kind, Clock::time_point now) {
  return Event{kind, random_token(16), format_timestamp(now)};
}

std::string format_timestamp(Clock::time_point time) {
  const auto milliseconds =
      std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(milliseconds / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(milliseconds % 1000));
  return text;
}

}  // namespace pulse
