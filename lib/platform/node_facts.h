// The per-OS half of metadata collection. Each OS implements it once, in
// lib/platform/<os>_node_facts.cpp over that OS's collectors, so
// collect_metadata stays free of platform specifics and a new OS is one more
// file set.
#pragma once

#include "inventory.h"
#include "metadata.h"

namespace pulse {

// What the node says about itself, before the config's overrides. Throws
// Failure when no hardware uuid can be found.
Metadata collect_node_facts(const MetadataOptions& options);

// The system's host name alone, without the rest.
std::string node_hostname(const MetadataOptions& options);

// The inventory as the system states it, before collect_inventory drops
// placeholders and cuts long values.
Inventory collect_node_inventory(const MetadataOptions& options);

}  // namespace pulse
