// Where the agent's files are when nothing says otherwise (contract §1):
// /etc/pharos and /var/lib/pharos-pulse, or %ProgramData%\Pharos on Windows.
#pragma once

#include <filesystem>

namespace pulse {

std::filesystem::path default_config_file();
std::filesystem::path default_key_file();
std::filesystem::path default_state_dir();

}  // namespace pulse
