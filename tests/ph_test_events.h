// Small presence events for the Ph channel's tests.
#pragma once

#include <string>

#include "event.h"

namespace pulse::test {

// A HEARTBEAT from `hostname`, given as a JSON string literal.
inline StoredEvent ph_heartbeat(const std::string& hostname_json) {
  StoredEvent event;
  event.id = "AAAAAAAAAAAAAAAAAAAAAA";
  event.timestamp = "2026-11-28T10:52:29.123Z";
  event.payload = R"({"event":"HEARTBEAT","identity":{"hostname":)" + hostname_json +
                  R"(},"timestamp":"2026-11-28T10:52:29.123Z"})";
  return event;
}

}  // namespace pulse::test
