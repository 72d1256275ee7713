// Delivering events in order, with the spool behind them (contract §6).
#pragma once

#include <optional>
#include <string>

#include "outcome.h"
#include "presence_channel.h"
#include "spool.h"

namespace pulse {

// Delivers spooled events oldest first. Each is removed after a 2xx, and
// moved aside as "*.rejected" after a protocol/refused answer (retrying
// cannot help; the next events go on). Stops at the first unavailable one
// and returns its outcome; nullopt when no event is pending afterwards.
std::optional<Outcome> deliver_spool(PresenceChannel& channel, Spool& spool);

// Delivers the spool and then `event`. When the spool or the event is
// unavailable, the event is spooled (behind older ones, so order is kept)
// and the outcome says so. Without a spool (`--no-spool`) the event alone is
// sent and nothing is written.
Outcome deliver_in_order(PresenceChannel& channel, Spool* spool, const StoredEvent& event);

// Writes the event to the spool, turning a failure into a clear message on
// `outcome` (the event would otherwise be lost silently).
void spool_event(Spool& spool, const StoredEvent& event, Outcome& outcome);

}  // namespace pulse
