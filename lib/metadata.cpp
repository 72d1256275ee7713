#include "metadata.h"

#include <algorithm>
#include <array>

#include "platform/node_facts.h"

namespace pulse {

Metadata collect_metadata(const MetadataOptions& options) {
  Metadata metadata = collect_node_facts(options);
  if (options.hostname_override) metadata.hostname = *options.hostname_override;
  if (options.platform_override && *options.platform_override != "auto") {
    metadata.platform = *options.platform_override;
  }
  return metadata;
}

std::string reported_hostname(const MetadataOptions& options) {
  return options.hostname_override ? *options.hostname_override : node_hostname(options);
}

bool is_known_platform(std::string_view platform) {
  static constexpr std::array<std::string_view, 14> known = {
      "bare-metal", "proxmox-lxc", "lxc",    "docker", "podman", "kubernetes", "wsl",
      "kvm",        "qemu",        "vmware", "hyperv", "xen",    "virtualbox", "vm"};
  return std::find(known.begin(), known.end(), platform) != known.end();
}

}  // namespace pulse
