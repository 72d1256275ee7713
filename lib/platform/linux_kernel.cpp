#include "platform/linux.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <system_error>

namespace pulse {
namespace {

// /proc/sys/kernel answers for the node below any root, which keeps tests and
// production on one path; the syscalls stand in only for the node at "/"
// when /proc is not mounted.
std::string read_kernel_value(const LinuxNode& node, const std::string& name,
                              std::string (*system_value)()) {
  if (std::optional<std::string> value = node.read_file("/proc/sys/kernel/" + name)) {
    value->erase(value->find_last_not_of(" \t\r\n") + 1);
    return *value;
  }
  if (node.root == "/") return system_value();
  return "unknown";
}

std::string system_hostname() {
  char name[HOST_NAME_MAX + 1] = {};
  if (::gethostname(name, sizeof name - 1) != 0) {
    throw std::system_error(errno, std::generic_category(), "cannot read the host name");
  }
  return name;
}

std::string system_kernel_release() {
  utsname names{};
  if (::uname(&names) != 0) {
    throw std::system_error(errno, std::generic_category(), "cannot read the kernel release");
  }
  return names.release;
}

}  // namespace

std::string read_hostname(const LinuxNode& node) {
  return read_kernel_value(node, "hostname", system_hostname);
}

std::string read_kernel_release(const LinuxNode& node) {
  return read_kernel_value(node, "osrelease", system_kernel_release);
}

}  // namespace pulse
