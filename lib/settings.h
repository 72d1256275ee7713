// Every setting of contract §1, resolved as flag > environment > config file
// > default.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "default_paths.h"
#include "duration.h"
#include "metadata.h"
#include "server_url.h"

namespace pulse {

struct Settings {
  std::filesystem::path config_file = default_config_file();
  bool config_file_found = false;

  std::string server_url;             // empty: none configured
  std::string server_url_source = "server.url";  // the setting it came from, for messages
  // server_url parsed once, when the settings load (read_server_url): the
  // URL, or else why there is none.
  std::optional<ServerUrl> server;
  std::string server_problem;
  std::filesystem::path ca_file;      // empty: the system trust store
  std::string pinned_pubkey;          // empty: no pin
  Duration timeout = std::chrono::seconds(10);
  std::string proxy;                  // empty: the standard proxy variables

  std::filesystem::path key_file = default_key_file();
  std::string hostname;               // empty: the system host name
  std::string node_id;

  Duration heartbeat_interval = std::chrono::minutes(60);
  Duration heartbeat_jitter = std::chrono::minutes(5);
  Duration shutdown_timeout = std::chrono::seconds(5);

  std::filesystem::path state_dir = default_state_dir();
  std::size_t spool_max_events = 1000;
  std::string platform = "auto";

  std::filesystem::path spool_dir() const { return state_dir / "spool"; }

  // Parses server_url into `server` (or `server_problem`).
  void read_server_url();
  // The server events go to. Throws Failure(configuration) when the URL is
  // missing or bad.
  const ServerUrl& required_server() const;
};

// What the global flags said; unset members leave the lower layers in force.
struct SettingFlags {
  std::optional<std::filesystem::path> config_file;
  std::optional<std::filesystem::path> key_file;
  std::optional<std::string> server_url;
  std::optional<std::filesystem::path> ca_file;
  std::optional<std::string> pinned_pubkey;
  std::optional<std::filesystem::path> state_dir;
  std::optional<Duration> timeout;
  // enroll writes the config file, so a named one that is missing is fine.
  bool config_may_be_missing = false;
};

using Environment = std::function<std::optional<std::string>(std::string_view name)>;
Environment process_environment();

// Throws Failure(configuration) naming file, line and key for a bad config.
// A bad server URL is kept as `server_problem`, for the commands that need
// one to report (and for `inspect` to show).
Settings load_settings(const SettingFlags& flags, const Environment& environment);

// How metadata is collected under these settings (overrides, state dir).
MetadataOptions metadata_options(const Settings& settings);

}  // namespace pulse
