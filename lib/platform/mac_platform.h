// Contract §3's platform value on macOS, from the kernel's sysctl values
// alone: macOS has no containers, so it is bare metal or a virtual machine.
#pragma once

#include <string>

#include "platform/sysctl.h"

namespace pulse {

std::string detect_mac_platform(const Sysctl& sysctl);

}  // namespace pulse
