// A presence event: what happened, when, and the id that makes redelivery
// idempotent (contract §3, §4).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace pulse {

enum class EventKind { online, heartbeat, offline };

// "ONLINE", "HEARTBEAT", "OFFLINE" as in the payload.
std::string_view event_name(EventKind kind);
// Reads the command-line spelling: "online", "heartbeat", "offline".
std::optional<EventKind> parse_event_kind(std::string_view word);

using Clock = std::chrono::system_clock;

struct Event {
  EventKind kind;
  std::string id;         // ≥128 random bits, base64url
  std::string timestamp;  // RFC 3339 UTC with milliseconds and Z
};

Event make_event(EventKind kind, Clock::time_point now);

// An event as it travels: its id, its own time and the payload exactly as
// it is sent.
struct StoredEvent {
  std::string id;
  std::string timestamp;
  std::string payload;
};

std::string format_timestamp(Clock::time_point time);

}  // namespace pulse
