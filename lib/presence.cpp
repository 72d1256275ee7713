#include "presence.h"

#include "log.h"
#include "payload.h"

namespace pulse {

StoredEvent create_presence_event(EventKind kind, const Identity& identity,
                                  const MetadataOptions& options, const Inventory& inventory,
                                  Clock::time_point now) {
  Metadata metadata = collect_metadata(options);
  for (const auto& warning : metadata.warnings) log::warning(warning);
  Event event = make_event(kind, now);
  return StoredEvent{
      event.id, event.timestamp,
      to_body(presence_payload(kind, event.timestamp, identity.fingerprint(), metadata,
                               inventory))};
}

Inventory collect_inventory_logged(const MetadataOptions& options) {
  Inventory inventory = collect_inventory(options);
  for (const auto& warning : inventory.warnings) log::warning(warning);
  return inventory;
}

}  // namespace pulse
