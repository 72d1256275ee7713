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

// Configures logging and loads the settings in force.
Settings resolve_settings(const GlobalOptions& options, bool daemon_log = false);

}  // namespace pulse::cmd
