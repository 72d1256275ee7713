#include "global_options.h"

#include "default_paths.h"
#include "failure.h"
#include "log.h"

namespace pulse::cmd {
namespace {

constexpr const char* kGlobalGroup = "Global options";

}  // namespace

void register_global_options(CLI::App& app, GlobalOptions& options) {
  auto& flags = options.flags;
  app.option_defaults()->group(kGlobalGroup);
  app.add_option("--config", flags.config_file,
                 "Config file (default " + default_config_file().string() + ")")
      ->type_name("FILE");
  app.add_option("--key", flags.key_file,
                 "Identity key (default " + default_key_file().string() + ")")
      ->type_name("FILE");
  app.add_option("--server", flags.server_url, "Server base URL (https://HOST[:PORT][/PREFIX])")
      ->type_name("URL");
  app.add_option("--ca-file", flags.ca_file, "CA bundle to trust instead of the system's")
      ->type_name("FILE");
  app.add_option("--pin", flags.pinned_pubkey, "Server public-key pin (sha256//BASE64[;…])")
      ->type_name("PIN");
  app.add_option("--state-dir", flags.state_dir,
                 "State directory (default " + default_state_dir().string() + ")")
      ->type_name("DIR");
  app.add_option("--timeout", options.timeout, "Request timeout, e.g. 10s (default 10s)")
      ->type_name("D");
  app.add_flag("-v,--verbose", options.verbose, "Log more detail");
  app.add_flag("-q,--quiet", options.quiet, "Log errors only");
  app.option_defaults()->group("Options");
}

std::vector<GivenOption> given_global_options(const CLI::App& app) {
  std::vector<GivenOption> given;
  for (const CLI::Option* option : app.get_options()) {
    if (option->get_group() != kGlobalGroup || option->count() == 0) continue;
    const std::string flag = "--" + option->get_lnames().front();
    if (option->get_expected_max() == 0) {  // a flag: no value
      given.insert(given.end(), option->count(), GivenOption{flag, std::nullopt, false});
      continue;
    }
    const std::string type = option->get_type_name();
    given.push_back({flag, option->as<std::string>(), type == "FILE" || type == "DIR"});
  }
  return given;
}

Settings resolve_settings(const GlobalOptions& options, SettingsFor purpose) {
  log::Options logging;
  logging.timestamps = purpose == SettingsFor::daemon;
  if (options.quiet) {
    logging.threshold = log::Level::error;
  } else if (options.verbose > 0) {
    logging.threshold = log::Level::debug;
  }
  log::configure(logging);

  SettingFlags flags = options.flags;
  flags.config_may_be_missing = purpose == SettingsFor::enrollment;
  if (options.timeout) {
    auto timeout = parse_duration(*options.timeout);
    if (!timeout || timeout->count() == 0) {
      throw Failure(ExitCode::usage, "invalid --timeout '" + *options.timeout +
                                         "' (use ms, s, m, h, e.g. 10s or 1m30s)");
    }
    flags.timeout = timeout;
  }
  return load_settings(flags, process_environment());
}

}  // namespace pulse::cmd
