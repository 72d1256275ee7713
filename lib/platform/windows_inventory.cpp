#include <windows.h>

#include "platform/local_addresses.h"
#include "platform/node_facts.h"
#include "platform/windows.h"

namespace pulse {

// The SMBIOS table is readable with any privilege, so nothing is kept in the
// state directory as on Linux.
Inventory collect_node_inventory(const MetadataOptions&) {
  Inventory inventory;
  inventory.os_name = "Windows";
  inventory.os_version = windows::read_product_version();
  inventory.cpu_brand = windows::read_processor_name();
  // Every processor group: GetActiveProcessorCount(0) would count the
  // first 64 logical CPUs only.
  inventory.cpu_cores = GetActiveProcessorCount(ALL_PROCESSOR_GROUPS);
  MEMORYSTATUSEX memory{};
  memory.dwLength = sizeof memory;
  if (GlobalMemoryStatusEx(&memory)) inventory.mem_total_kb = memory.ullTotalPhys / 1024;
  if (const std::optional<SmbiosSystem> system = windows::read_smbios_system()) {
    inventory.serial_number = system->serial;
    inventory.manufacturer = system->manufacturer;
    inventory.product_name = system->product;
  }
  inventory.mac_addrs = read_mac_addresses();
  return inventory;
}

}  // namespace pulse
