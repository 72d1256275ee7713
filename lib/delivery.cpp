#include "delivery.h"

#include <system_error>

#include "log.h"

namespace pulse {

std::optional<Outcome> deliver_spool(PresenceChannel& channel, Spool& spool) {
  for (const auto& file : spool.pending()) {
    std::optional<StoredEvent> event = spool.read(file);
    if (!event) continue;
    Outcome outcome = channel.deliver(*event);
    switch (outcome.kind) {
      case OutcomeKind::delivered:
        log::info("delivered spooled event " + file.filename().string());
        spool.remove(file);
        break;
      case OutcomeKind::unavailable:
        return outcome;
      case OutcomeKind::protocol:
      case OutcomeKind::refused:
        spool.reject(file, outcome.message);
        break;
    }
  }
  return std::nullopt;
}

void spool_event(Spool& spool, const StoredEvent& event, Outcome& outcome) {
  try {
    spool.add(event);
    outcome.message += outcome.clock_skew ? "; the event is kept and sent once the clock is set"
                                          : "; event spooled for later delivery";
  } catch (const std::system_error& error) {
    outcome.message += std::string("; the event is lost: cannot spool it: ") + error.what();
  }
}

Outcome deliver_in_order(PresenceChannel& channel, Spool* spool, const StoredEvent& event) {
  if (spool == nullptr) return channel.deliver(event);
  if (std::optional<Outcome> blocked = deliver_spool(channel, *spool)) {
    spool_event(*spool, event, *blocked);
    return *blocked;
  }
  Outcome outcome = channel.deliver(event);
  if (outcome.kind == OutcomeKind::unavailable) spool_event(*spool, event, outcome);
  return outcome;
}

}  // namespace pulse
