// The JSON bodies of contract §3 (presence) and §7 (enrollment).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "event.h"
#include "inventory.h"
#include "metadata.h"

namespace pulse {

// {"event", "identity", "metadata", "inventory", "timestamp"} in the
// contract's order; `inventory` only for ONLINE.
nlohmann::ordered_json presence_payload(EventKind kind, const std::string& timestamp,
                                        const std::string& fingerprint, const Metadata& metadata,
                                        const Inventory& inventory);

// Compact JSON text; invalid UTF-8 from the system is replaced, not fatal.
std::string to_body(const nlohmann::ordered_json& json);

nlohmann::ordered_json identity_json(const std::string& fingerprint, const Metadata& metadata);
nlohmann::ordered_json metadata_json(const Metadata& metadata);
// The values the inventory has; an unknown one is left out.
nlohmann::ordered_json inventory_json(const Inventory& inventory);

}  // namespace pulse
