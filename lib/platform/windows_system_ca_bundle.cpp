#include "transport.h"

namespace pulse {

// Schannel verifies against the Windows certificate store itself.
std::filesystem::path find_system_ca_bundle() { return {}; }

}  // namespace pulse
