#include "presence.h"

#include "log.h"
#include "payload.h"

namespace pulse {

StoredEvent create_presence_event(EventKind kind, const Identity& identity,
                                  const MetadataOptions& options, Clock::time_point now) {
  Metadata metadata = collect_metadata(options);
  for (const auto& warning : metadata.warnings) log::warning(warning);
  Event event = make_event(kind, now);
  return StoredEvent{
      event.id, event.timestamp,
      to_body(presence_payload(kind, event.timestamp, identity.fingerprint(), metadata))};
}

}  // namespace pulse
