// The inventory (contract §3) of a Mac, from sysctl values, the system
// version and the serial number IOKit gives, as a pure mapping so that it is
// tested on any OS.
#pragma once

#include <optional>
#include <string>

#include "inventory.h"
#include "platform/sysctl.h"
#include "platform/system_version_plist.h"

namespace pulse {

// Values that cannot be read are left out; collect_inventory cleans the rest.
Inventory mac_inventory(const Sysctl& sysctl, const std::optional<SystemVersion>& version,
                        const std::optional<std::string>& serial_number);

}  // namespace pulse
