#include "config_file.h"

#include <functional>
#include <map>
#include <string>

#include "failure.h"
#include "metadata.h"
#include "pin_list.h"
#include "toml_document.h"

namespace pulse {
namespace {

class ConfigError {
 public:
  ConfigError(const std::filesystem::path& source, const toml::node& node, std::string key)
      : source_(source), line_(node.source().begin.line), key_(std::move(key)) {}

  [[noreturn]] void raise(const std::string& what) const {
    throw Failure(ExitCode::configuration,
                  source_.string() + ":" + std::to_string(line_) + ": " + key_ + ": " + what);
  }

 private:
  const std::filesystem::path& source_;
  std::uint32_t line_;
  std::string key_;
};

std::string string_value(const toml::node& node, const ConfigError& error) {
  const auto* value = node.as_string();
  if (value == nullptr) error.raise("expected a string");
  return value->get();
}

std::string non_empty_string(const toml::node& node, const ConfigError& error) {
  std::string value = string_value(node, error);
  if (value.empty()) error.raise("must not be empty");
  return value;
}

Duration duration_value(const toml::node& node, const ConfigError& error) {
  if (const auto* seconds = node.as_integer()) {
    if (seconds->get() < 0) error.raise("a duration cannot be negative");
    if (seconds->get() > kLongestDuration.count() / 1000) error.raise("the duration is too long");
    return std::chrono::seconds(seconds->get());
  }
  const auto* text = node.as_string();
  if (text == nullptr) error.raise("expected a duration such as \"90s\" or \"1h30m\"");
  auto duration = parse_duration(text->get());
  if (!duration) {
    error.raise("invalid duration \"" + text->get() + "\" (use ms, s, m, h, e.g. \"1h30m\")");
  }
  return *duration;
}

Duration positive_duration(const toml::node& node, const ConfigError& error) {
  Duration duration = duration_value(node, error);
  if (duration.count() == 0) error.raise("must be greater than zero");
  return duration;
}

using Setter = std::function<void(const toml::node&, const ConfigError&, Settings&)>;
using TableSchema = std::map<std::string, Setter, std::less<>>;

const std::map<std::string, TableSchema, std::less<>>& schema() {
  static const std::map<std::string, TableSchema, std::less<>> tables{
      {"server",
       {{"url", [](auto& n, auto& e, Settings& s) { s.server_url = non_empty_string(n, e); }},
        {"ca_file", [](auto& n, auto& e, Settings& s) { s.ca_file = non_empty_string(n, e); }},
        {"pinned_pubkey",
         [](auto& n, auto& e, Settings& s) {
           std::string pins = non_empty_string(n, e);
           if (auto problem = pin_list_problem(pins)) e.raise(*problem);
           s.pinned_pubkey = std::move(pins);
         }},
        {"timeout", [](auto& n, auto& e, Settings& s) { s.timeout = positive_duration(n, e); }},
        {"proxy", [](auto& n, auto& e, Settings& s) { s.proxy = non_empty_string(n, e); }}}},
      {"identity",
       {{"key_file", [](auto& n, auto& e, Settings& s) { s.key_file = non_empty_string(n, e); }},
        {"hostname", [](auto& n, auto& e, Settings& s) { s.hostname = non_empty_string(n, e); }},
        {"node_id", [](auto& n, auto& e, Settings& s) { s.node_id = string_value(n, e); }}}},
      {"heartbeat",
       {{"interval",
         [](auto& n, auto& e, Settings& s) { s.heartbeat_interval = positive_duration(n, e); }},
        {"jitter",
         [](auto& n, auto& e, Settings& s) { s.heartbeat_jitter = duration_value(n, e); }},
        {"shutdown_timeout",
         [](auto& n, auto& e, Settings& s) { s.shutdown_timeout = positive_duration(n, e); }}}},
      {"state",
       {{"dir", [](auto& n, auto& e, Settings& s) { s.state_dir = non_empty_string(n, e); }}}},
      {"spool",
       {{"max_events",
         [](const toml::node& n, const ConfigError& e, Settings& s) {
           const auto* count = n.as_integer();
           if (count == nullptr) e.raise("expected an integer");
           if (count->get() < 1) e.raise("must be at least 1");
           s.spool_max_events = static_cast<std::size_t>(count->get());
         }}}},
      {"metadata",
       {{"platform", [](auto& n, auto& e, Settings& s) {
           std::string platform = non_empty_string(n, e);
           if (platform != "auto" && !is_known_platform(platform)) {
             e.raise("unknown platform \"" + platform + "\"");
           }
           s.platform = platform;
         }}}},
  };
  return tables;
}

}  // namespace

void apply_config_text(std::string_view text, const std::filesystem::path& source,
                       Settings& settings) {
  const toml::table document = parse_toml_document(text, source);
  for (const auto& [table_key, table_node] : document) {
    const std::string table_name(table_key.str());
    auto table_schema = schema().find(table_name);
    if (table_schema == schema().end()) {
      ConfigError(source, table_node, table_name).raise("unknown table");
    }
    const auto* table = table_node.as_table();
    if (table == nullptr) ConfigError(source, table_node, table_name).raise("expected a table");
    for (const auto& [key, node] : *table) {
      const std::string dotted = table_name + "." + std::string(key.str());
      ConfigError error(source, node, dotted);
      auto setter = table_schema->second.find(key.str());
      if (setter == table_schema->second.end()) error.raise("unknown key");
      setter->second(node, error, settings);
    }
  }
}

}  // namespace pulse
