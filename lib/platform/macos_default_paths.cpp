#include "default_paths.h"

namespace pulse {

// The key stays in /etc/pharos as on Linux (contract §1); state goes where
// macOS keeps its daemons' state, as /var/lib is not a macOS directory.
std::filesystem::path default_config_file() { return "/etc/pharos/pulse.toml"; }
std::filesystem::path default_key_file() { return "/etc/pharos/pulse_id"; }
std::filesystem::path default_state_dir() { return "/var/db/pharos-pulse"; }

}  // namespace pulse
