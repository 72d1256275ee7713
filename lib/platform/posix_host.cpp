#include "platform/posix_host.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <system_error>

namespace pulse {

std::string system_hostname() {
  // Room for the longest name either system allows (Linux 64 bytes, macOS
  // 255), and a terminator gethostname need not write when it truncates.
  std::array<char, 256 + 1> name{};
  if (::gethostname(name.data(), name.size() - 1) != 0) {
    throw std::system_error(errno, std::generic_category(), "cannot read the host name");
  }
  return name.data();
}

std::string system_kernel_release() {
  utsname names{};
  if (::uname(&names) != 0) {
    throw std::system_error(errno, std::generic_category(), "cannot read the kernel release");
  }
  return names.release;
}

}  // namespace pulse
