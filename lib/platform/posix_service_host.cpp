#include "service_host.h"

namespace pulse {

ExitCode host_daemon(const std::function<ExitCode()>& daemon) { return daemon(); }

}  // namespace pulse
