// pharos-pulse send online|heartbeat|offline: one event, delivered or spooled.
#include <cstdio>
#include <memory>

#include "commands.h"
#include "delivery.h"
#include "file_lock.h"
#include "identity.h"
#include "log.h"
#include "presence.h"
#include "presence_channel.h"
#include "settings.h"

namespace pulse::cmd {
namespace {

struct SendOptions {
  std::string event;
  bool dry_run = false;
  bool no_spool = false;
};

ExitCode run_send(const SendOptions& options, const GlobalOptions& globals) {
  Settings settings = resolve_settings(globals);
  ServerUrl server = parse_server_url(settings.server_url, settings.server_url_source);
  Identity identity = load_identity(settings.key_file);
  if (globals.verbose > 0) {
    if (auto mismatch = public_file_mismatch(identity, settings.key_file)) log::warning(*mismatch);
  }
  HttpClient client(TransportSettings::from(settings));
  auto channel = open_presence_channel(server, client, identity, settings.key_file);

  const EventKind kind = *parse_event_kind(options.event);
  const MetadataOptions metadata = metadata_options(settings);
  // Only an ONLINE carries the inventory, so only it pays for reading it.
  const Inventory inventory =
      kind == EventKind::online ? collect_inventory_logged(metadata) : Inventory{};
  StoredEvent event = create_presence_event(kind, identity, metadata, inventory, Clock::now());

  if (options.dry_run) {
    std::fputs(channel->dry_run(event).c_str(), stdout);
    return ExitCode::ok;
  }

  std::unique_ptr<Spool> spool;
  std::unique_ptr<FileLock> lock;
  if (!options.no_spool) {
    spool = std::make_unique<Spool>(settings.spool_dir(), settings.spool_max_events);
    try {
      lock = std::make_unique<FileLock>(settings.state_dir / "spool.lock", true);
    } catch (const std::system_error& error) {
      throw Failure(ExitCode::configuration,
                    std::string(error.what()) + "; check the state directory (--state-dir)");
    }
  }

  Outcome outcome = deliver_in_order(*channel, spool.get(), event);
  if (outcome.kind == OutcomeKind::delivered) {
    log::info("delivered " + std::string(event_name(kind)) + " to " + channel->destination() +
              " (" + std::to_string(outcome.status) + ")");
    return ExitCode::ok;
  }
  log::error(std::string(event_name(kind)) + " not delivered: " + outcome.message);
  return exit_code_for(outcome.kind);
}

}  // namespace

Subcommand register_send(CLI::App& app, const GlobalOptions& globals) {
  auto options = std::make_shared<SendOptions>();
  CLI::App* sub = app.add_subcommand("send", "Send one presence event now");
  sub->add_option("event", options->event, "online, heartbeat or offline")
      ->required()
      ->check(CLI::IsMember({"online", "heartbeat", "offline"}));
  sub->add_flag("--dry-run", options->dry_run, "Print the signed request instead of sending it");
  sub->add_flag("--no-spool", options->no_spool,
                "Send only this event; do not spool it when the server is unavailable");
  return {sub, [options, &globals] { return run_send(*options, globals); }};
}

}  // namespace pulse::cmd
