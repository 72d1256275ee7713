#include "config_writer.h"

#include <cerrno>
#include <cstring>
#include <sstream>
#include <system_error>

#include "failure.h"
#include "files.h"
#include "toml_document.h"

namespace pulse {
namespace {

toml::table parse_existing(const std::filesystem::path& file) {
  const std::optional<std::string> text = read_config_text(file);
  if (!text) return {};
  return parse_toml_document(*text, file);
}

void set(toml::table& document, const std::filesystem::path& file, std::string_view table_name,
         std::string_view key, const std::optional<std::string>& value) {
  if (!value) return;
  auto* table = document.insert(table_name, toml::table{}).first->second.as_table();
  if (table == nullptr) {
    throw Failure(ExitCode::configuration,
                  file.string() + ": " + std::string(table_name) + ": expected a table");
  }
  table->insert_or_assign(key, *value);
}

std::optional<std::string> as_string(const std::optional<std::filesystem::path>& path) {
  if (!path) return std::nullopt;
  return path->string();
}

std::filesystem::path directory_of(const std::filesystem::path& file) {
  std::filesystem::path dir = file.parent_path();
  return dir.empty() ? "." : dir;
}

// The file a symlinked config points at (through every link), which is the
// one to replace: replacing the link would cut it from its target.
std::filesystem::path link_target(std::filesystem::path file) {
  for (int hops = 0; hops < 40 && std::filesystem::is_symlink(file); ++hops) {
    const std::filesystem::path link = std::filesystem::read_symlink(file);
    file = link.is_absolute() ? link : file.parent_path() / link;
  }
  return file;
}

bool has_credentials(const toml::table& document) {
  for (std::string_view key : {"url", "proxy"}) {
    const auto value = document["server"][key].value<std::string>();
    if (value && url_has_credentials(*value)) return true;
  }
  return false;
}

// toml++ writes non-ASCII as is unless told otherwise, and the loader (this
// toml++ 3.3.0) cannot read some of it back; \uXXXX it reads everywhere.
std::string ascii_toml(const toml::table& document) {
  std::ostringstream text;
  text << toml::toml_formatter(document, toml::toml_formatter::default_flags &
                                             ~toml::format_flags::allow_unicode_strings &
                                             ~toml::format_flags::allow_literal_strings)
       << '\n';
  return text.str();
}

}  // namespace

bool url_has_credentials(std::string_view url) {
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return false;
  const std::string_view authority =
      url.substr(scheme_end + 3, url.find_first_of("/?#", scheme_end + 3) - scheme_end - 3);
  return authority.find('@') != std::string_view::npos;
}

ConfigAccess config_file_access(const std::optional<FileAccess>& existing,
                                const std::optional<FileOwner>& pharos_owner, bool credentials) {
  ConfigAccess access{0600, std::nullopt};
  if (existing) {
    access = {existing->mode, existing->owner};
  } else if (pharos_owner) {
    access = {0640, pharos_owner};
  }
  if (credentials) access.mode &= ~mode_t{077};
  return access;
}

void update_config_file(const std::filesystem::path& file, const ConfigUpdate& update) {
  toml::table document = parse_existing(file);
  set(document, file, "server", "url", update.server_url);
  set(document, file, "server", "ca_file", as_string(update.ca_file));
  set(document, file, "server", "pinned_pubkey", update.pinned_pubkey);
  set(document, file, "identity", "key_file", as_string(update.key_file));
  set(document, file, "identity", "node_id", update.node_id);
  set(document, file, "heartbeat", "interval", update.heartbeat_interval);

  try {
    const std::filesystem::path target = link_target(file);
    const ConfigAccess access = config_file_access(
        existing_file_access(target), owner_with_group("pharos"), has_credentials(document));
    create_directories(directory_of(target), 0755);
    write_file_atomically(target, ascii_toml(document), access.mode, access.owner);
  } catch (const std::system_error& error) {
    throw Failure(ExitCode::cant_create, std::string("cannot write config file: ") + error.what());
  }
}

void check_config_writable(const std::filesystem::path& file) {
  std::filesystem::path dir = std::filesystem::absolute(directory_of(link_target(file)));
  std::error_code error;
  while (!std::filesystem::exists(dir, error) && dir.has_relative_path()) dir = dir.parent_path();
  if (!can_create_files_in(dir)) {
    throw Failure(ExitCode::cant_create, "cannot write config file '" + file.string() + "': '" +
                                             dir.string() + "': " + std::strerror(errno) +
                                             "; run as root, choose another file with --config "
                                             "or use --no-write-config");
  }
}

}  // namespace pulse
