// What the node is (contract §3), collected from the system without
// spawning processes.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace pulse {

struct Metadata {
  std::string hw_uuid;
  std::string hw_uuid_source;  // e.g. "dmi", "dmi (kept in <state dir>/hw_uuid)", "/etc/machine-id"
  std::string hostname;
  std::string os_family;
  std::string os_version;
  std::string kernel_version;
  std::string platform;
  std::vector<std::string> local_ips;
  // Things the user should know, e.g. that an unprivileged run reports
  // another hw_uuid than root would.
  std::vector<std::string> warnings;
};

struct MetadataOptions {
  // Every file is read below this root, so tests drive fixture trees.
  std::filesystem::path root = "/";
  // Where the DMI UUID read by root is kept for unprivileged runs.
  std::filesystem::path state_dir;
  std::optional<std::string> hostname_override;
  std::optional<std::string> platform_override;  // "auto" counts as none
};

// Every string field of the payload is at most this long (contract §3).
inline constexpr std::size_t kMaxPayloadString = 1024;

// A longer string field is cut (and a warning added), so a hostile or broken
// system file cannot blow up every event.
Metadata collect_metadata(const MetadataOptions& options);

// The hostname collect_metadata would report, and nothing else.
std::string reported_hostname(const MetadataOptions& options);

// The platform values contract §3 allows.
bool is_known_platform(std::string_view platform);

}  // namespace pulse
