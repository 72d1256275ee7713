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

}  // namespace

void update_config_file(const std::filesystem::path& file, const ConfigUpdate& update) {
  toml::table document = parse_existing(file);
  set(document, file, "server", "url", update.server_url);
  set(document, file, "server", "ca_file", as_string(update.ca_file));
  set(document, file, "server", "pinned_pubkey", update.pinned_pubkey);
  set(document, file, "identity", "key_file", as_string(update.key_file));
  set(document, file, "identity", "node_id", update.node_id);
  set(document, file, "heartbeat", "interval", update.heartbeat_interval);

  std::ostringstream text;
  text << toml::toml_formatter(document) << '\n';
  try {
    create_directories(directory_of(file), 0755);
    write_file_atomically(file, text.str(), 0644);
  } catch (const std::system_error& error) {
    throw Failure(ExitCode::cant_create, std::string("cannot write config file: ") + error.what());
  }
}

void check_config_writable(const std::filesystem::path& file) {
  std::filesystem::path dir = std::filesystem::absolute(directory_of(file));
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
