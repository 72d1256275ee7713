// The options every command accepts (contract §8), bound once in main.
#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

#include "settings.h"

namespace pulse::cmd {

struct GlobalOptions {
  SettingFlags flags;
  std::optional<std::string> timeout;  // parsed in resolve_settings for a clear error
  int verbose = 0;
  bool quiet = false;
};

void register_global_options(CLI::App& app, GlobalOptions& options);

// A global option as it was given, for another process to be given it too.
struct GivenOption {
  std::string flag;                  // "--config", "--verbose"
  std::optional<std::string> value;  // nullopt for a flag
  bool names_path = false;           // a FILE or DIR, relative to this directory

  bool operator==(const GivenOption&) const = default;
};

// The global options given to `app` (a flag given twice comes twice), in
// the order register_global_options binds them: what `service install`
// gives the service's `run`.
std::vector<GivenOption> given_global_options(const CLI::App& app);

enum class SettingsFor {
  command,     // one-shot: log lines without timestamps
  daemon,      // log lines with timestamps (or journal priorities)
  enrollment,  // the config file named may not exist yet: enroll writes it
};

// Configures logging and loads the settings in force.
Settings resolve_settings(const GlobalOptions& options, SettingsFor purpose = SettingsFor::command);

}  // namespace pulse::cmd
