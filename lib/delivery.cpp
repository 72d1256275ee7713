#include "delivery.h"

#include <system_error>

#include <nlohmann/json.hpp>

#include "log.h"

namespace pulse {
namespace {

// "spooled ONLINE event <file name>", for messages about one spooled event.
std::string spooled_event_name(const StoredEvent& event, const std::filesystem::path& file) {
  auto payload = nlohmann::json::parse(event.payload, nullptr, false);
  std::string kind = payload.is_object() ? payload.value("event", "") : "";
  return "spooled " + (kind.empty() ? "" : kind + " ") + "event " + file.filename().string();
}

}  // namespace

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
        outcome.message = spooled_event_name(*event, file) + ": " + outcome.message;
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
    blocked->message = "not sent, behind " + blocked->message;
    spool_event(*spool, event, *blocked);
    return *blocked;
  }
  Outcome outcome = channel.deliver(event);
  if (outcome.kind == OutcomeKind::unavailable) spool_event(*spool, event, outcome);
  return outcome;
}

}  // namespace pulse
