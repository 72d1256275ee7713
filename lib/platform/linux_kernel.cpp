#include "platform/linux.h"

#include "platform/posix_host.h"

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

}  // namespace

std::string read_hostname(const LinuxNode& node) {
  return read_kernel_value(node, "hostname", system_hostname);
}

std::string read_kernel_release(const LinuxNode& node) {
  return read_kernel_value(node, "osrelease", system_kernel_release);
}

}  // namespace pulse
