// What enroll keeps and shows (contract §7): the config update it writes,
// and the registration a pre-provisioned node prints for its server.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "config_writer.h"
#include "identity.h"
#include "metadata.h"
#include "server_url.h"
#include "settings.h"

namespace pulse {

// The settings this enrollment used. Paths are made absolute, because the
// daemon reading the file may run from another directory.
ConfigUpdate enrollment_config_update(const Settings& settings);

// PHAROS_ENROLL_TOKEN, pointing into the environment, or nullopt.
std::optional<std::string_view> enroll_token_from_environment();

// What the server must register for a pre-provisioned node. `config` says
// where the config went.
struct Registration {
  std::string hostname;
  std::string hw_uuid;
  std::string fingerprint;
  std::string public_key;
  std::string config;
};

Registration registration_of(const Metadata& metadata, const Identity& identity,
                             std::string config);

// One JSON object with exactly the keys mdb ingests, and a line end.
std::string registration_json(const Registration& registration);

// For a person: a heading and one row per value; for a ph:// hub also the
// lines its operator runs (`key_file`'s .pub line is what the hub compares).
std::string registration_text(const Registration& registration, const ServerUrl& server,
                              const Identity& identity, const std::filesystem::path& key_file);

// "  label                    value\n", as enroll prints its results.
std::string enrollment_row(std::string_view label, std::string_view value);

}  // namespace pulse
