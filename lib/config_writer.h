// Writing what enroll learned into pulse.toml (contract §7).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "files.h"

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
// not kept), and replaces it atomically, creating missing directories with
// mode 0755. A symlinked `file` is followed and its target replaced. Every
// value reads back: non-ASCII is written as \uXXXX, which the loader takes
// where it refuses the raw character (toml_document.h). The file keeps its
// mode, owner and group; see new_config_file_mode for a new one. An
// unreadable or malformed file is Failure(configuration); one that cannot be
// written is Failure(cant_create).
void update_config_file(const std::filesystem::path& file, const ConfigUpdate& update);

// The mode and owner the config file is written with (contract §7): an
// existing file's; a new one 0640 for `pharos_owner` (owner_with_group:
// nullopt without the group or root) else 0600 for the writer; group and
// others lose access whenever a value carries credentials (a proxy URL with
// user:password).
struct ConfigAccess {
  mode_t mode;
  std::optional<FileOwner> owner;
};
ConfigAccess config_file_access(const std::optional<FileAccess>& existing,
                                const std::optional<FileOwner>& pharos_owner, bool credentials);

// Whether a URL carries credentials ("http://user:password@proxy:3128").
bool url_has_credentials(std::string_view url);

// Throws Failure(cant_create) unless update_config_file could replace `file`
// (its directory, or the nearest one that exists, is writable), so enroll can
// stop before it spends a token it could not record.
void check_config_writable(const std::filesystem::path& file);

}  // namespace pulse
