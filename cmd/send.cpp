// pharos-pulse send online|heartbeat|offline: one event, delivered or spooled.
#include <cstdio>
#include <memory>
#include <string>

#include "agent.h"
#include "commands.h"
#include "log.h"
#include "presence.h"

namespace pulse::cmd {
namespace {

struct SendOptions {
  std::string event;
  bool dry_run = false;
  bool no_spool = false;
};

ExitCode run_send(const SendOptions& options, const GlobalOptions& globals) {
  Agent agent(resolve_settings(globals), KeyUse::load());
  const Settings& settings = agent.settings();
  if (globals.verbose > 0) {
    if (auto mismatch = public_file_mismatch(agent.identity(), settings.key_file)) {
      log::warning(*mismatch);
    }
  }

  const EventKind kind = *parse_event_kind(options.event);
  // Only an ONLINE carries the inventory, so only it pays for reading it.
  const Inventory inventory = kind == EventKind::online
                                  ? collect_inventory_logged(metadata_options(settings))
                                  : Inventory{};
  const StoredEvent event = agent.presence_event(kind, inventory, Clock::now());

  // An event the channel cannot carry (a line break in a Ph value, from the
  // config) is the config's to fix: exit 78 before anything is sent or
  // spooled, as the daemon's reload refuses it.
  const std::string request = agent.channel().dry_run(event);
  if (options.dry_run) {
    std::fputs(request.c_str(), stdout);
    return ExitCode::ok;
  }

  const Outcome outcome = options.no_spool ? agent.channel().deliver(event)
                                           : agent.deliver_waiting(event);
  if (outcome.kind == OutcomeKind::delivered) {
    log::info("delivered " + std::string(event_name(kind)) + " to " +
              agent.channel().destination() + " (" + std::to_string(outcome.status) + ")");
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
