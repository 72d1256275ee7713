// The host name and kernel release as the system calls give them, on Linux
// and macOS alike.
#pragma once

#include <string>

namespace pulse {

// Throw std::system_error when the call fails.
std::string system_hostname();
std::string system_kernel_release();

}  // namespace pulse
