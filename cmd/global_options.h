// The options every command accepts (contract §8), bound once in main.
#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <string>

#include "settings.h"

namespace pulse::cmd {

struct GlobalOptions {
  SettingFlags flags;
  std::optional<std::string> timeout;  // parsed in resolve_settings for a clear error
  int verbose = 0;
  bool quiet = false;
};

void register_global_options(CLI::App& app, GlobalOptions& options);

enum class SettingsFor {
  command,     // one-shot: log lines without timestamps
  daemon,      // log lines with timestamps (or journal priorities)
  enrollment,  // the config file named may not exist yet: enroll writes it
};

// Configures logging and loads the settings in force.
Settings resolve_settings(const GlobalOptions& options, SettingsFor purpose = SettingsFor::command);

}  // namespace pulse::cmd
