#include <system_error>

#include "platform/linux.h"
#include "platform/local_addresses.h"
#include "platform/node_facts.h"

namespace pulse {
namespace {

// Contract §3 bounds every file read for the payload.
constexpr std::size_t kMaxRead = 64 * 1024;

constexpr const char* dmi_dir = "/sys/class/dmi/id/";
constexpr std::string_view serial_kept_name = "serial_number";

std::optional<std::string> read_start(const LinuxNode& node, const std::string& path) {
  try {
    return node.read_file_start(path, kMaxRead);
  } catch (const std::system_error&) {
    return std::nullopt;
  }
}

std::optional<std::string> value_of(const OsRelease& release, const char* name) {
  auto found = release.find(name);
  if (found == release.end() || found->second.empty()) return std::nullopt;
  return found->second;
}

// Root only: root keeps what it reads for unprivileged runs, as it keeps
// the DMI uuid. A placeholder is not kept, so it never hides a real serial.
std::optional<std::string> read_serial_number(const LinuxNode& node,
                                              const std::filesystem::path& state_dir) {
  std::optional<std::string> serial;
  try {
    serial = node.read_file_start(std::string(dmi_dir) + "product_serial", kMaxRead);
  } catch (const std::system_error&) {
    return read_kept_value(state_dir, serial_kept_name);
  }
  if (!serial) return std::nullopt;
  const std::size_t begin = serial->find_first_not_of(" \t\r\n");
  if (begin == std::string::npos || is_firmware_placeholder(*serial)) return std::nullopt;
  serial = serial->substr(begin, serial->find_last_not_of(" \t\r\n") + 1 - begin);
  keep_value(state_dir, serial_kept_name, *serial);
  return serial;
}

}  // namespace

Inventory read_linux_inventory(const LinuxNode& node, bool container,
                               const std::filesystem::path& state_dir) {
  Inventory inventory;
  const OsRelease release = read_os_release(node);
  inventory.os_name = value_of(release, "NAME");
  inventory.os_version = value_of(release, "VERSION_ID");
  if (!inventory.os_version) inventory.os_version = value_of(release, "VERSION");
  if (auto cpuinfo = read_start(node, "/proc/cpuinfo")) {
    inventory.cpu_brand = cpu_brand_from_cpuinfo(*cpuinfo);
  }
  // What glibc's sysconf(_SC_NPROCESSORS_ONLN) reads: the machine's online
  // CPUs, whatever the process's affinity or cgroup allows it.
  if (auto online = read_start(node, "/sys/devices/system/cpu/online")) {
    inventory.cpu_cores = count_cpu_list(*online);
  }
  if (auto meminfo = read_start(node, "/proc/meminfo")) {
    inventory.mem_total_kb = mem_total_kb_from_meminfo(*meminfo);
  }
  // A container sees its host's DMI: none of it describes the container.
  if (!container) {
    inventory.manufacturer = read_start(node, std::string(dmi_dir) + "sys_vendor");
    inventory.product_name = read_start(node, std::string(dmi_dir) + "product_name");
    inventory.serial_number = read_serial_number(node, state_dir);
  }
  return inventory;
}

Inventory collect_node_inventory(const MetadataOptions& options) {
  const LinuxNode node = node_below(options.root);
  const bool container = detect_platform(node, read_kernel_release(node)).container;
  Inventory inventory = read_linux_inventory(node, container, options.state_dir);
  // Like local_ips, the MACs come from the running system whatever the root.
  inventory.mac_addrs = read_mac_addresses();
  return inventory;
}

}  // namespace pulse
