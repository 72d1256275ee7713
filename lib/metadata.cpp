#include "metadata.h"

#include <algorithm>
#include <array>
#include <utility>

#include "platform/node_facts.h"

namespace pulse {
namespace {

// Cuts `value` to kMaxPayloadString bytes, not inside a UTF-8 character,
// and says so.
void cut_to_limit(std::string& value, std::string_view field, std::vector<std::string>& warnings) {
  if (value.size() <= kMaxPayloadString) return;
  std::size_t end = kMaxPayloadString;
  while (end > 0 && (static_cast<unsigned char>(value[end]) & 0xC0) == 0x80) --end;
  warnings.push_back(std::string(field) + " is " + std::to_string(value.size()) +
                     " bytes long; sent cut to its first " + std::to_string(end));
  value.resize(end);
}

}  // namespace

Metadata collect_metadata(const MetadataOptions& options) {
  Metadata metadata = collect_node_facts(options);
  if (options.hostname_override) metadata.hostname = *options.hostname_override;
  if (options.platform_override && *options.platform_override != "auto") {
    metadata.platform = *options.platform_override;
  }
  for (auto [value, field] : {std::pair{&metadata.hostname, "hostname"},
                              std::pair{&metadata.os_version, "os_version"},
                              std::pair{&metadata.kernel_version, "kernel_version"},
                              std::pair{&metadata.platform, "platform"},
                              std::pair{&metadata.hw_uuid, "hw_uuid"}}) {
    cut_to_limit(*value, field, metadata.warnings);
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
