// pharos-pulse inspect: what this node would report, for a person or as JSON.
#include <cstdio>
#include <memory>

#include "commands.h"
#include "event.h"
#include "identity.h"
#include "inventory.h"
#include "log.h"
#include "metadata.h"
#include "payload.h"
#include "presence.h"
#include "proxy.h"
#include "server_url.h"
#include "settings.h"
#include "terminal_text.h"

namespace pulse::cmd {
namespace {

struct InspectOptions {
  bool json = false;
  std::string event = "online";
};

void row(const char* label, const std::string& value) {
  std::printf("  %-16s %s\n", label, value.c_str());
}

std::string or_default(const std::string& value, const char* fallback) {
  return value.empty() ? fallback : value;
}

std::string joined(const std::vector<std::string>& values) {
  std::string text;
  for (const auto& value : values) text += (text.empty() ? "" : ", ") + value;
  return text.empty() ? "(none)" : text;
}

// Which protocol events go out in: HTTPS by default, Ph for a ph:// hub.
std::string transport_of(const Settings& settings) {
  if (settings.server_url.empty()) return "(none: no server url)";
  if (!settings.server) return "(none: " + settings.server_problem + ")";
  const ServerUrl& server = *settings.server;
  if (server.scheme == Scheme::ph) {
    const bool ipv6 = server.host.find(':') != std::string::npos;
    return "ph (RFC 2378 over TLS to " + (ipv6 ? "[" + server.host + "]" : server.host) + ":" +
           std::to_string(server.port) + ")";
  }
  return std::string(server.scheme == Scheme::https ? "https" : "http") + " (POST " +
         server.url_of("/v1/presence") + ")";
}

std::string known(const std::optional<std::string>& value) { return value.value_or("(unknown)"); }

std::string known(const std::optional<std::uint64_t>& value) {
  return value ? std::to_string(*value) : "(unknown)";
}

void print_inventory(const Inventory& inventory) {
  std::printf("inventory (sent with ONLINE)\n");
  row("os_name", known(inventory.os_name));
  row("os_version", known(inventory.os_version));
  row("cpu_brand", known(inventory.cpu_brand));
  row("cpu_cores", known(inventory.cpu_cores));
  row("mem_total_kb", known(inventory.mem_total_kb));
  row("serial_number", known(inventory.serial_number));
  row("manufacturer", known(inventory.manufacturer));
  row("product_name", known(inventory.product_name));
  row("mac_addrs", joined(inventory.mac_addrs));
}

// The proxy requests go through, wherever it is set (the password hidden).
std::string proxy_of(const Settings& settings) {
  const std::string& url = settings.server_url;
  if (url.empty()) {
    return settings.proxy.empty() ? "(from HTTPS_PROXY/NO_PROXY if set)"
                                  : describe_proxy({settings.proxy, "server.proxy"});
  }
  if (auto proxy = choose_proxy(url, settings.proxy, process_environment())) {
    return describe_proxy(*proxy);
  }
  if (url.starts_with("http://")) return "(none: a loopback http:// url is reached directly)";
  return "(none)";
}

void print_for_person(const Settings& settings, const Metadata& metadata,
                      const Inventory& inventory, const std::optional<Identity>& identity,
                      const std::string& key_problem) {
  std::printf("identity\n");
  row("hostname", metadata.hostname);
  row("hw_uuid", metadata.hw_uuid + " (from " + metadata.hw_uuid_source + ")");
  row("key", settings.key_file.string());
  row("fingerprint", identity ? identity->fingerprint() : "none: " + key_problem);
  if (!settings.node_id.empty()) row("node id", escape_server_text(settings.node_id));
  std::printf("metadata\n");
  row("os_family", metadata.os_family);
  row("os_version", metadata.os_version);
  row("kernel_version", metadata.kernel_version);
  row("platform", metadata.platform + (settings.platform == "auto" ? " (detected)" : " (from config)"));
  row("local_ips", joined(metadata.local_ips));
  print_inventory(inventory);
  std::printf("server\n");
  row("url", or_default(settings.server_url, "(none: set server.url or --server)"));
  row("transport", transport_of(settings));
  row("ca file", settings.ca_file.empty() ? "(system trust store)" : settings.ca_file.string());
  row("pin", or_default(settings.pinned_pubkey, "(none)"));
  row("timeout", format_duration(settings.timeout));
  row("proxy", proxy_of(settings));
  std::printf("agent\n");
  row("config file", settings.config_file.string() +
                         (settings.config_file_found ? "" : " (not found; defaults apply)"));
  row("state dir", settings.state_dir.string());
  row("heartbeat", "every " + format_duration(settings.heartbeat_interval) + " + up to " +
                       format_duration(settings.heartbeat_jitter) + " jitter");
}

void warn_about_public_file(const Identity& identity, const std::filesystem::path& key_file) {
  if (auto mismatch = public_file_mismatch(identity, key_file)) log::warning(*mismatch);
}

ExitCode run_inspect(const InspectOptions& options, const GlobalOptions& globals) {
  Settings settings = resolve_settings(globals);
  Metadata metadata = collect_metadata(metadata_options(settings));
  for (const auto& warning : metadata.warnings) log::warning(warning);
  const Inventory inventory = collect_inventory_logged(metadata_options(settings));

  if (options.json) {
    Identity identity = load_identity(settings.key_file);
    warn_about_public_file(identity, settings.key_file);
    EventKind kind = *parse_event_kind(options.event);
    auto payload = presence_payload(kind, format_timestamp(Clock::now()), identity.fingerprint(),
                                    metadata, inventory);
    std::printf("%s\n", to_body(payload).c_str());
    return ExitCode::ok;
  }

  std::optional<Identity> identity;
  std::string key_problem;
  try {
    identity = load_identity(settings.key_file);
    warn_about_public_file(*identity, settings.key_file);
  } catch (const Failure& failure) {
    key_problem = failure.what();
  }
  print_for_person(settings, metadata, inventory, identity, key_problem);
  return ExitCode::ok;
}

}  // namespace

Subcommand register_inspect(CLI::App& app, const GlobalOptions& globals) {
  auto options = std::make_shared<InspectOptions>();
  CLI::App* sub = app.add_subcommand("inspect", "Show what this node reports");
  sub->add_flag("--json", options->json, "Print exactly the presence payload");
  sub->add_option("--event", options->event, "Event of the JSON payload (default online)")
      ->check(CLI::IsMember({"online", "heartbeat", "offline"}))
      ->type_name("EVENT");
  return {sub, [options, &globals] { return run_inspect(*options, globals); }};
}

}  // namespace pulse::cmd
