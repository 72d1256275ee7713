// A new presence event, with metadata collected afresh.
#pragma once

#include "event.h"
#include "identity.h"
#include "metadata.h"
#include "spool.h"

namespace pulse {

// Collects metadata (logging its warnings) and builds the event's payload.
StoredEvent create_presence_event(EventKind kind, const Identity& identity,
                                  const MetadataOptions& options, Clock::time_point now);

}  // namespace pulse
