// Reading pulse.toml (contract §1) into Settings.
#pragma once

#include <filesystem>
#include <string_view>

#include "settings.h"

namespace pulse {

// Applies every key of the TOML `text` to `settings`. Unknown tables or keys,
// wrong types and bad values throw Failure(configuration) as
// "FILE:LINE: KEY: what is wrong".
void apply_config_text(std::string_view text, const std::filesystem::path& source,
                       Settings& settings);

}  // namespace pulse
