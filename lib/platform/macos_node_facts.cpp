#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <iterator>
#include <system_error>

#include "failure.h"
#include "files.h"
#include "platform/local_addresses.h"
#include "platform/mac_host_uuid.h"
#include "platform/mac_platform.h"
#include "platform/macos.h"
#include "platform/node_facts.h"
#include "platform/posix_host.h"
#include "platform/sysctl.h"

namespace pulse {
namespace macos {

std::optional<SystemVersion> read_system_version(const std::filesystem::path& root) {
  const std::filesystem::path path = root / "System/Library/CoreServices/SystemVersion.plist";
  try {
    std::optional<std::string> text =
        read_bounded_file_if_exists(path, kMaxSystemFileSize, Symlinks::follow);
    return text ? parse_system_version_plist(*text) : std::nullopt;
  } catch (const std::system_error&) {
    return std::nullopt;
  }
}

}  // namespace macos

namespace {

// The IOPlatformUUID, which any user may read: nothing is kept in the state
// directory as on Linux.
std::string host_uuid() {
  uuid_t bytes{};
  const timespec wait{5, 0};
  if (::gethostuuid(bytes, &wait) == 0) {
    HostUuidBytes copy;
    std::copy(std::begin(bytes), std::end(bytes), copy.begin());
    if (std::optional<std::string> uuid = format_host_uuid(copy)) return *uuid;
  }
  throw Failure(ExitCode::configuration,
                "cannot determine a hardware uuid: gethostuuid gave no IOPlatformUUID");
}

}  // namespace

// MetadataOptions::root reaches SystemVersion.plist only: the other facts
// come from the kernel, which has no file tree to point elsewhere.
Metadata collect_node_facts(const MetadataOptions& options) {
  Metadata metadata;
  metadata.hostname = system_hostname();
  metadata.os_family = "macos";
  metadata.os_version = mac_os_version(macos::read_system_version(options.root));
  metadata.kernel_version = system_kernel_release();
  metadata.platform = detect_mac_platform(system_sysctl());
  metadata.hw_uuid = host_uuid();
  metadata.hw_uuid_source = "gethostuuid (IOPlatformUUID)";
  metadata.local_ips = order_local_addresses(list_interface_addresses());
  return metadata;
}

std::string node_hostname(const MetadataOptions&) { return system_hostname(); }

}  // namespace pulse
