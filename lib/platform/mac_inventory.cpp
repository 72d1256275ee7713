#include "platform/mac_inventory.h"

namespace pulse {

Inventory mac_inventory(const Sysctl& sysctl, const std::optional<SystemVersion>& version,
                        const std::optional<std::string>& serial_number) {
  Inventory inventory;
  inventory.os_name = "macOS";
  if (version && !version->product_version.empty()) {
    inventory.os_version = version->product_version;
  }
  inventory.cpu_brand = sysctl.text("machdep.cpu.brand_string");
  // hw.logicalcpu counts the CPUs online now, as Linux's
  // /sys/devices/system/cpu/online does.
  inventory.cpu_cores = sysctl.number("hw.logicalcpu");
  if (auto bytes = sysctl.number("hw.memsize")) inventory.mem_total_kb = *bytes / 1024;
  // Only Apple makes the hardware macOS runs on; a VM's hypervisor is in
  // product_name (hw.model) and the metadata's platform.
  inventory.manufacturer = "Apple Inc.";
  inventory.product_name = sysctl.text("hw.model");
  inventory.serial_number = serial_number;
  return inventory;
}

}  // namespace pulse
