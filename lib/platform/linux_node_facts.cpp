#include "platform/linux.h"

#include "platform/local_addresses.h"
#include "platform/node_facts.h"

namespace pulse {

Metadata collect_linux_facts(const LinuxNode& node, const std::filesystem::path& state_dir) {
  Metadata metadata;
  metadata.hostname = read_hostname(node);
  metadata.os_family = "linux";
  metadata.os_version = read_os_version(node);
  metadata.kernel_version = read_kernel_release(node);
  PlatformFacts platform = detect_platform(node, metadata.kernel_version);
  metadata.platform = platform.platform;
  HardwareUuid hw_uuid = read_hw_uuid(node, platform.container, state_dir);
  metadata.hw_uuid = hw_uuid.uuid;
  metadata.hw_uuid_source = hw_uuid.source;
  if (hw_uuid.warning) metadata.warnings.push_back(*hw_uuid.warning);
  metadata.local_ips = order_local_addresses(list_interface_addresses());
  return metadata;
}

Metadata collect_node_facts(const MetadataOptions& options) {
  return collect_linux_facts(node_below(options.root), options.state_dir);
}

std::string node_hostname(const MetadataOptions& options) {
  return read_hostname(node_below(options.root));
}

}  // namespace pulse
