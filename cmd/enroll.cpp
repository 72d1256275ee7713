// pharos-pulse enroll: register this node with its server, with a token over
// the network or pre-provisioned out of band (contract §7).
#include <cstdio>
#include <memory>

#include "agent.h"
#include "commands.h"
#include "config_writer.h"
#include "enrollment.h"
#include "http_client.h"
#include "log.h"
#include "presence.h"
#include "registration.h"
#include "terminal_text.h"
#include "token_source.h"

namespace pulse::cmd {
namespace {

struct EnrollOptions {
  std::optional<std::filesystem::path> token_file;
  std::optional<std::string> token;
  bool preprovisioned = false;
  bool json = false;
  bool no_write_config = false;
};

void row(const char* label, const std::string& value) {
  std::fputs(enrollment_row(label, value).c_str(), stdout);
}

Metadata collected_metadata(const Settings& settings) {
  Metadata metadata = collect_metadata(metadata_options(settings));
  for (const auto& warning : metadata.warnings) log::warning(warning);
  return metadata;
}

std::string config_destination(const EnrollOptions& options, const Settings& settings) {
  if (options.no_write_config) return "not written (--no-write-config)";
  return std::filesystem::absolute(settings.config_file).string();
}

TokenSources token_sources(const EnrollOptions& options) {
  TokenSources sources;
  sources.file = options.token_file;
  if (options.token) sources.argument = *options.token;
  sources.environment = enroll_token_from_environment();
  return sources;
}

// On first contact with a hub that has its own CA the TLS check fails, and
// the hub's console shows its pin next to the token; say what to bring. The
// outcome does not say why there was no answer, so any failure before one
// gets the hint.
std::string first_contact_hint(const Outcome& outcome, const ServerUrl& server) {
  if (outcome.kind != OutcomeKind::unavailable || outcome.status != 0 ||
      server.scheme != Scheme::https) {
    return "";
  }
  return "; if the hub has its own CA, pass it with --ca-file FILE, and the pin shown on the "
         "hub's console with --pin PIN";
}

ExitCode run_token_enrollment(const EnrollOptions& options, const Settings& settings) {
  const ServerUrl& server = settings.required_server();
  if (server.scheme == Scheme::ph) {
    throw Failure(ExitCode::usage,
                  "ph:// hubs support only 'enroll --preprovisioned'; token enrollment needs an "
                  "https:// server");
  }
  const Token token = read_token(token_sources(options));
  if (!options.no_write_config) check_config_writable(settings.config_file);
  const Metadata metadata = collected_metadata(settings);
  // Made once and then kept: enrolling again (after a server rebuild) must
  // present the same key.
  Agent agent(settings, KeyUse::load_or_create([&metadata] { return metadata.hostname; }));
  const HttpClient client(agent.transport());
  const Transport post = [&client](const HttpRequest& request) { return client.post(request); };
  const EnrollmentResult result = enroll(server, post, agent.identity(), token.view(), metadata,
                                         collect_inventory_logged(metadata_options(settings)),
                                         Clock::now());
  if (result.outcome.kind != OutcomeKind::delivered) {
    log::error("not enrolled: " + result.outcome.message +
               first_contact_hint(result.outcome, server));
    return exit_code_for(result.outcome.kind);
  }

  std::printf("enrolled with %s\n", server.origin.c_str());
  row("fingerprint", agent.identity().fingerprint());
  if (result.answer.node_id) row("node id", escape_server_text(*result.answer.node_id));
  if (!options.no_write_config) {
    ConfigUpdate update = enrollment_config_update(settings);
    if (result.answer.pinned_pubkey) update.pinned_pubkey = result.answer.pinned_pubkey;
    update.node_id = result.answer.node_id;
    update.heartbeat_interval = result.answer.heartbeat_interval;
    try {
      update_config_file(settings.config_file, update);
    } catch (const Failure& failure) {
      throw Failure(failure.code(), std::string("enrolled, but ") + failure.what());
    }
  }
  row("config", config_destination(options, settings));
  return ExitCode::ok;
}

ExitCode run_preprovisioned(const EnrollOptions& options, const Settings& settings) {
  const ServerUrl& server = settings.required_server();
  if (!options.no_write_config) check_config_writable(settings.config_file);
  const Metadata metadata = collected_metadata(settings);
  const Identity identity =
      load_or_create_identity(settings.key_file, [&metadata] { return metadata.hostname; });
  if (!options.no_write_config) {
    update_config_file(settings.config_file, enrollment_config_update(settings));
  }
  const Registration registration =
      registration_of(metadata, identity, config_destination(options, settings));
  if (options.json) {
    std::fputs(registration_json(registration).c_str(), stdout);
    log::info("config " + registration.config);
    return ExitCode::ok;
  }
  std::fputs(registration_text(registration, server, identity, settings.key_file).c_str(), stdout);
  return ExitCode::ok;
}

ExitCode run_enroll(const EnrollOptions& options, const GlobalOptions& globals) {
  const Settings settings = resolve_settings(globals, SettingsFor::enrollment);
  if (options.preprovisioned) return run_preprovisioned(options, settings);
  return run_token_enrollment(options, settings);
}

}  // namespace

Subcommand register_enroll(CLI::App& app, const GlobalOptions& globals) {
  auto options = std::make_shared<EnrollOptions>();
  CLI::App* sub = app.add_subcommand("enroll", "Register this node with the server");
  auto* token_file = sub->add_option("--token-file", options->token_file,
                                     "Read the enrollment token from the first line of FILE")
                         ->type_name("FILE");
  auto* token = sub->add_option("--token", options->token,
                                "The enrollment token; - reads it from standard input (a value "
                                "here is visible in the process list)")
                    ->type_name("TOKEN")
                    ->excludes(token_file);
  auto* preprovisioned =
      sub->add_flag("--preprovisioned", options->preprovisioned,
                    "No network: write the config and print what the server must register")
          ->excludes(token_file)
          ->excludes(token);
  sub->add_flag("--json", options->json, "With --preprovisioned: print the registration as JSON")
      ->needs(preprovisioned);
  sub->add_flag("--no-write-config", options->no_write_config, "Leave the config file as it is");
  return {sub, [options, &globals] { return run_enroll(*options, globals); }};
}

}  // namespace pulse::cmd
