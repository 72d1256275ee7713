#include "settings.h"

#include <cstdlib>

#include "config_file.h"
#include "failure.h"
#include "ph_protocol.h"
#include "pin_list.h"
#include "server_url.h"
#include "toml_document.h"

namespace pulse {
namespace {

std::string checked_pins(const std::string& pins, std::string_view setting) {
  if (auto problem = pin_list_problem(pins)) {
    throw Failure(ExitCode::configuration, std::string(setting) + ": " + *problem);
  }
  return pins;
}

// A Ph command is one line: a host name with CR or LF would end it early
// (contract §11). Refused here, so that neither a delivery nor a SIGHUP
// reload meets it halfway.
void check_ph_values(const Settings& settings) {
  // A bad url is reported where it is used, by the commands that need one.
  if (!settings.server || settings.server->scheme != Scheme::ph) return;
  ph_quote("hostname", reported_hostname(metadata_options(settings)));
}

}  // namespace

Environment process_environment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr || *value == '\0') return std::nullopt;
    return std::string(value);
  };
}

Settings load_settings(const SettingFlags& flags, const Environment& environment) {
  Settings settings;

  bool named_explicitly = true;
  if (flags.config_file) {
    settings.config_file = *flags.config_file;
  } else if (auto from_env = environment("PHAROS_PULSE_CONFIG")) {
    settings.config_file = *from_env;
  } else {
    named_explicitly = false;
  }

  const std::optional<std::string> text = read_config_text(settings.config_file);
  if (text) {
    settings.config_file_found = true;
    apply_config_text(*text, settings.config_file, settings);
  } else if (named_explicitly && !flags.config_may_be_missing) {
    throw Failure(ExitCode::configuration,
                  "config file '" + settings.config_file.string() + "' does not exist");
  }

  if (auto value = environment("PHAROS_PULSE_KEY")) settings.key_file = *value;
  if (auto value = environment("PHAROS_SERVER")) {
    settings.server_url = *value;
    settings.server_url_source = "PHAROS_SERVER";
  }
  if (auto value = environment("PHAROS_CA_CERT")) settings.ca_file = *value;
  if (auto value = environment("PHAROS_PULSE_PIN")) {
    settings.pinned_pubkey = checked_pins(*value, "PHAROS_PULSE_PIN");
  }
  if (auto value = environment("PHAROS_PULSE_STATE_DIR")) settings.state_dir = *value;

  if (flags.key_file) settings.key_file = *flags.key_file;
  if (flags.server_url) {
    settings.server_url = *flags.server_url;
    settings.server_url_source = "--server";
  }
  if (flags.ca_file) settings.ca_file = *flags.ca_file;
  if (flags.pinned_pubkey) settings.pinned_pubkey = checked_pins(*flags.pinned_pubkey, "--pin");
  if (flags.state_dir) settings.state_dir = *flags.state_dir;
  if (flags.timeout) settings.timeout = *flags.timeout;
  settings.read_server_url();
  check_ph_values(settings);
  return settings;
}

void Settings::read_server_url() {
  server.reset();
  server_problem.clear();
  try {
    server = parse_server_url(server_url, server_url_source);
  } catch (const Failure& failure) {
    server_problem = failure.what();
  }
}

const ServerUrl& Settings::required_server() const {
  if (!server) throw Failure(ExitCode::configuration, server_problem);
  return *server;
}

MetadataOptions metadata_options(const Settings& settings) {
  MetadataOptions options;
  options.state_dir = settings.state_dir;
  if (!settings.hostname.empty()) options.hostname_override = settings.hostname;
  if (settings.platform != "auto") options.platform_override = settings.platform;
  return options;
}

}  // namespace pulse
