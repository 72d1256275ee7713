// Parsing a TOML file of ours (pulse.toml) into a document, with errors in
// the house style.
#pragma once

#include <toml++/toml.h>

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace pulse {

// Far above any real pulse.toml; toml++ is not given more (contract §1).
inline constexpr std::size_t kMaxConfigFileSize = 1024 * 1024;
inline constexpr int kMaxConfigNesting = 64;

// The config file's text; nullopt when it does not exist. A file over
// kMaxConfigFileSize or one that cannot be read is Failure(configuration).
std::optional<std::string> read_config_text(const std::filesystem::path& file);

// Throws Failure(configuration) "SOURCE:LINE: what" for text toml++ refuses,
// for text over kMaxConfigFileSize or nested deeper than kMaxConfigNesting
// (this toml++ recurses once per level and overflows the stack), and for a
// character this toml++ cannot read safely (see the .cpp).
toml::table parse_toml_document(std::string_view text, const std::filesystem::path& source);

}  // namespace pulse
