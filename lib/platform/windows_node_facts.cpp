#include "platform/windows.h"

#include "platform/local_addresses.h"
#include "platform/node_facts.h"

namespace pulse {

std::string node_hostname(const MetadataOptions&) { return windows::read_hostname(); }

// MetadataOptions::root and state_dir serve Linux's fixture trees and its
// root-only DMI file; Windows reads the firmware table with any privilege.
Metadata collect_node_facts(const MetadataOptions&) {
  const std::optional<SmbiosSystem> system = windows::read_smbios_system();
  Metadata metadata;
  metadata.hostname = windows::read_hostname();
  metadata.os_family = "windows";
  metadata.os_version = windows::read_os_version();
  metadata.kernel_version = windows::read_kernel_version();
  metadata.platform = windows::detect_platform(system, windows::read_cpu_hypervisor());
  windows::MachineUuid uuid = windows::read_machine_uuid(system);
  metadata.hw_uuid = uuid.uuid;
  metadata.hw_uuid_source = uuid.source;
  metadata.local_ips = order_local_addresses(list_interface_addresses());
  return metadata;
}

}  // namespace pulse
