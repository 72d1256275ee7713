// Parsing a TOML file of ours (pulse.toml) into a document, with errors in
// the house style.
#pragma once

#include <toml++/toml.h>

#include <filesystem>
#include <string_view>

namespace pulse {

// Throws Failure(configuration) "SOURCE:LINE: what" for text toml++ refuses,
// and for a character this toml++ cannot read safely (see the .cpp).
toml::table parse_toml_document(std::string_view text, const std::filesystem::path& source);

}  // namespace pulse
