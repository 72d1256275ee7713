#include "service_notifier.h"

namespace pulse {

// launchd has no readiness or watchdog protocol: it counts a job as running
// once it has spawned it and restarts it when it exits (KeepAlive). So
// nothing is sent, and there is no watchdog interval to keep.
ServiceNotifier::ServiceNotifier() = default;
ServiceNotifier::~ServiceNotifier() = default;
void ServiceNotifier::notify(std::string_view) const {}

}  // namespace pulse
