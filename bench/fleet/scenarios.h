// The four fleet scenarios of docs/FLEET.md, for any fleet size.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "simulation.h"

namespace fleet {

// power-cut, hub-outage, retry-after, config-change.
const std::vector<std::string>& scenario_names();

// The scenario for `agents` nodes; nullopt for an unknown name.
std::optional<Scenario> make_scenario(const std::string& name, std::uint32_t agents);

}  // namespace fleet
