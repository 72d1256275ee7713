// A new presence event, with metadata collected afresh.
#pragma once

#include "event.h"
#include "identity.h"
#include "inventory.h"
#include "metadata.h"

namespace pulse {

// Collects metadata (logging its warnings) and builds the event's payload;
// an ONLINE carries `inventory`, collected once by the caller.
StoredEvent create_presence_event(EventKind kind, const Identity& identity,
                                  const MetadataOptions& options, const Inventory& inventory,
                                  Clock::time_point now);

// collect_inventory, logging its warnings.
Inventory collect_inventory_logged(const MetadataOptions& options);

}  // namespace pulse
