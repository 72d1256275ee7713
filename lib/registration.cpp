#include "registration.h"

#include <cstdlib>

#include <nlohmann/json.hpp>

#include "payload.h"
#include "ph_channel.h"
#include "ph_protocol.h"

namespace pulse {

ConfigUpdate enrollment_config_update(const Settings& settings) {
  ConfigUpdate update;
  update.server_url = settings.server_url;
  if (!settings.ca_file.empty()) update.ca_file = std::filesystem::absolute(settings.ca_file);
  if (!settings.pinned_pubkey.empty()) update.pinned_pubkey = settings.pinned_pubkey;
  update.key_file = std::filesystem::absolute(settings.key_file);
  return update;
}

std::optional<std::string_view> enroll_token_from_environment() {
  if (const char* value = std::getenv("PHAROS_ENROLL_TOKEN")) return std::string_view(value);
  return std::nullopt;
}

Registration registration_of(const Metadata& metadata, const Identity& identity,
                             std::string config) {
  return {metadata.hostname, metadata.hw_uuid, identity.fingerprint(), identity.public_line(),
          std::move(config)};
}

std::string registration_json(const Registration& registration) {
  const nlohmann::ordered_json json = {{"hostname", registration.hostname},
                                       {"hw_uuid", registration.hw_uuid},
                                       {"ssh_pubkey_fingerprint", registration.fingerprint},
                                       {"public_key", registration.public_key}};
  return to_body(json) + "\n";
}

std::string enrollment_row(std::string_view label, std::string_view value) {
  constexpr std::size_t kLabelWidth = 24;
  std::string row = "  " + std::string(label);
  if (label.size() < kLabelWidth) row.append(kLabelWidth - label.size(), ' ');
  return row + " " + std::string(value) + "\n";
}

std::string registration_text(const Registration& registration, const ServerUrl& server,
                              const Identity& identity, const std::filesystem::path& key_file) {
  std::string text = "pre-provisioned (nothing sent); register this node on the server:\n";
  text += enrollment_row("hostname", registration.hostname);
  text += enrollment_row("hw_uuid", registration.hw_uuid);
  text += enrollment_row("ssh_pubkey_fingerprint", registration.fingerprint);
  text += enrollment_row("public_key", registration.public_key);
  text += enrollment_row("config", registration.config);
  if (server.scheme == Scheme::ph) {
    text += ph_registration_instructions(ph_public_line(identity, key_file), registration.hostname);
  }
  return text;
}

}  // namespace pulse
