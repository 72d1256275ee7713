// Writing what enroll learned into pulse.toml (contract §7).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace pulse {

// The keys enroll sets; nullopt leaves a key as the file has it.
struct ConfigUpdate {
  std::optional<std::string> server_url;
  std::optional<std::filesystem::path> ca_file;
  std::optional<std::string> pinned_pubkey;
  std::optional<std::filesystem::path> key_file;
  std::optional<std::string> node_id;
  std::optional<std::string> heartbeat_interval;  // a duration string
};

// Sets the keys in `file`, keeping every other table and key (comments are
// not kept), and replaces it atomically with mode 0644, creating missing
// directories with mode 0755. An unreadable or malformed file is
// Failure(configuration); one that cannot be written is Failure(cant_create).
void update_config_file(const std::filesystem::path& file, const ConfigUpdate& update);

// Throws Failure(cant_create) unless update_config_file could replace `file`
// (its directory, or the nearest one that exists, is writable), so enroll can
// stop before it spends a token it could not record.
void check_config_writable(const std::filesystem::path& file);

}  // namespace pulse
