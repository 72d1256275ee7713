#include "default_paths.h"

namespace pulse {

std::filesystem::path default_config_file() { return "/etc/pharos/pulse.toml"; }
std::filesystem::path default_key_file() { return "/etc/pharos/pulse_id"; }
std::filesystem::path default_state_dir() { return "/var/lib/pharos-pulse"; }

}  // namespace pulse
