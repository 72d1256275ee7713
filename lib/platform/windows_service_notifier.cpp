#include "platform/windows_service.h"
#include "service_notifier.h"

namespace pulse {

// The Service Control Manager takes the place of systemd: it hears of the
// states that it has (running, stopping); it has no status text or
// watchdog.
ServiceNotifier::ServiceNotifier() = default;

ServiceNotifier::~ServiceNotifier() = default;

void ServiceNotifier::notify(std::string_view state) const {
  if (state == "READY=1") {
    windows::report_service_running();
  } else if (state == "STOPPING=1") {
    windows::report_service_stopping();
  }
}

}  // namespace pulse
