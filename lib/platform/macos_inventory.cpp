#include "platform/local_addresses.h"
#include "platform/mac_inventory.h"
#include "platform/macos.h"
#include "platform/node_facts.h"
#include "platform/sysctl.h"

namespace pulse {

Inventory collect_node_inventory(const MetadataOptions& options) {
  Inventory inventory = mac_inventory(system_sysctl(), macos::read_system_version(options.root),
                                      macos::read_serial_number());
  inventory.mac_addrs = read_mac_addresses();
  return inventory;
}

}  // namespace pulse
