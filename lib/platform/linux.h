// The Linux collectors behind collect_node_facts. They see the node only
// through LinuxNode, so tests point them at fixture trees and model what a
// fixture cannot, such as EACCES while the tests run as root.
#pragma once

#include <filesystem>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "inventory.h"
#include "metadata.h"
#include "platform/os_release.h"

namespace pulse {

struct LinuxNode {
  std::filesystem::path root;
  // Reads `path` as the node names it ("/etc/machine-id"), below root;
  // nullopt when it does not exist, std::system_error on other errors.
  std::function<std::optional<std::string>(const std::filesystem::path& path)> read_file;
  // As read_file, but only the first `limit` bytes: /proc/cpuinfo of a large
  // machine is long, and its start says all the inventory needs.
  std::function<std::optional<std::string>(const std::filesystem::path& path, std::size_t limit)>
      read_file_start;
  // Whether `path`, as the node names it, exists below root.
  std::function<bool(const std::filesystem::path& path)> exists;
  // The agent's environment variable `name`; nullopt when unset.
  std::function<std::optional<std::string>(const std::string& name)> environment;
};

// The node's files below `root`. The process environment describes the node
// at "/" only, so below any other root the environment is empty.
LinuxNode node_below(const std::filesystem::path& root);

// Everything but the config's overrides; local_ips come from the running
// system whatever the root.
Metadata collect_linux_facts(const LinuxNode& node, const std::filesystem::path& state_dir);

std::string read_hostname(const LinuxNode& node);
std::string read_kernel_release(const LinuxNode& node);

// os-release(5): /etc/os-release, else /usr/lib/os-release; empty when
// neither exists.
OsRelease read_os_release(const LinuxNode& node);

// os-release(5): PRETTY_NAME, else "NAME VERSION_ID", else "unknown".
std::string read_os_version(const LinuxNode& node);

struct PlatformFacts {
  std::string platform;  // one of contract §3's values
  // Also true for container kinds §3 has no value for, which report what
  // hosts them but must still not take the host's DMI uuid.
  bool container = false;
};
PlatformFacts detect_platform(const LinuxNode& node, std::string_view kernel_release);

// Values only root can read (DMI's product_uuid and serial number), kept as
// <state_dir>/<name> (mode 0644, in a state directory of mode 0755) for
// unprivileged runs, so the identity does not depend on who runs the
// command (contract §3). Nothing is kept or read when state_dir is empty or
// others may have prepared it (state_directory.h); a kept file is never read
// through a symlink and at most 64 KiB. Errors only mean nothing is kept.
void keep_value(const std::filesystem::path& state_dir, std::string_view name,
                const std::string& value);
std::optional<std::string> read_kept_value(const std::filesystem::path& state_dir,
                                           std::string_view name);

struct HardwareUuid {
  std::string uuid;
  std::string source;
  std::optional<std::string> warning;
};
// Keeps a DMI uuid in <state_dir>/hw_uuid (when state_dir is set) for
// unprivileged runs. Throws Failure when there is no uuid at all.
HardwareUuid read_hw_uuid(const LinuxNode& node, bool container,
                          const std::filesystem::path& state_dir);

// /proc/cpuinfo's first "model name"; on ARM, which has none, the core's
// name from "CPU implementer" and "CPU part" for the common cores.
std::optional<std::string> cpu_brand_from_cpuinfo(std::string_view cpuinfo);
// "Cortex-A72" for implementer 0x41 (Arm) and part 0xd08; nullopt for a
// core not in the table.
std::optional<std::string> arm_core_name(unsigned implementer, unsigned part);
// MemTotal of /proc/meminfo, in kB.
std::optional<std::uint64_t> mem_total_kb_from_meminfo(std::string_view meminfo);
// How many CPUs a list such as "0-3,6,8-9" names (the kernel's cpulist
// format); nullopt when it is malformed.
std::optional<std::uint64_t> count_cpu_list(std::string_view list);

// The inventory's values (not yet cleaned). The DMI system fields are left
// out in a container, whose DMI is its host's.
Inventory read_linux_inventory(const LinuxNode& node, bool container,
                               const std::filesystem::path& state_dir);

}  // namespace pulse
