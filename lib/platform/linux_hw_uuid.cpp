#include "platform/linux.h"

#include <algorithm>
#include <cctype>
#include <system_error>

#include "failure.h"

namespace pulse {
namespace {

constexpr const char* dmi_path = "/sys/class/dmi/id/product_uuid";

bool is_hex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

std::string_view trimmed(std::string_view text) {
  std::size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  return text.substr(begin, text.find_last_not_of(" \t\r\n") + 1 - begin);
}

// Lowercase 8-4-4-4-12 from 32 hex digits, dashed as DMI writes them or
// plain as machine-id(5) does; nullopt for anything else.
std::optional<std::string> canonical_uuid(std::string_view text, bool dashed) {
  text = trimmed(text);
  if (text.size() != (dashed ? 36u : 32u)) return std::nullopt;
  std::string uuid;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (dashed && (i == 8 || i == 13 || i == 18 || i == 23)) {
      if (text[i] != '-') return std::nullopt;
      continue;
    }
    if (!is_hex(text[i])) return std::nullopt;
    uuid += static_cast<char>(std::tolower(static_cast<unsigned char>(text[i])));
  }
  for (std::size_t dash : {8, 13, 18, 23}) uuid.insert(dash, 1, '-');
  return uuid;
}

// Firmware without a uuid of its own fills the field with zeros or ones.
bool is_placeholder(const std::string& uuid) {
  auto only = [&uuid](char digit) {
    return std::all_of(uuid.begin(), uuid.end(),
                       [digit](char c) { return c == '-' || c == digit; });
  };
  return only('0') || only('f');
}

std::optional<std::string> usable_dmi_uuid(const LinuxNode& node) {
  std::optional<std::string> text = node.read_file(dmi_path);
  if (!text) return std::nullopt;
  std::optional<std::string> uuid = canonical_uuid(*text, true);
  if (!uuid || is_placeholder(*uuid)) return std::nullopt;
  return uuid;
}

HardwareUuid from_machine_id(const LinuxNode& node) {
  for (const char* path : {"/etc/machine-id", "/var/lib/dbus/machine-id"}) {
    std::optional<std::string> text = node.read_file(path);
    if (!text) continue;
    // Early in boot the file may say "uninitialized".
    if (std::optional<std::string> uuid = canonical_uuid(*text, false)) return {*uuid, path, {}};
  }
  // A host set up without a machine id (some minimal containers) is a setup
  // problem the operator can fix, not a fault of the agent.
  throw Failure(ExitCode::configuration,
                std::string("cannot determine a hardware uuid: no usable ") + dmi_path +
                    ", /etc/machine-id or /var/lib/dbus/machine-id (systemd-machine-id-setup creates one)");
}

constexpr std::string_view kept_name = "hw_uuid";

std::optional<std::string> read_kept(const std::filesystem::path& state_dir) {
  std::optional<std::string> text = read_kept_value(state_dir, kept_name);
  return text ? canonical_uuid(*text, true) : std::nullopt;
}

HardwareUuid without_dmi_access(const LinuxNode& node, const std::filesystem::path& state_dir,
                                const std::error_code& error) {
  if (std::optional<std::string> kept = read_kept(state_dir)) {
    return {*kept, "dmi (kept in " + (state_dir / kept_name).string() + ")", {}};
  }
  HardwareUuid fallback = from_machine_id(node);
  std::string keep_hint = state_dir.empty()
                              ? ""
                              : "run pharos-pulse once as root to keep the dmi uuid in '" +
                                    (state_dir / kept_name).string() + "', or ";
  fallback.warning = "hw_uuid comes from " + fallback.source +
                     " and differs from the one root reports: cannot read '" + dmi_path +
                     "': " + error.message() + "; " + keep_hint +
                     "give the service's group read access to " + dmi_path;
  return fallback;
}

}  // namespace

HardwareUuid read_hw_uuid(const LinuxNode& node, bool container,
                          const std::filesystem::path& state_dir) {
  // A container sees its host's DMI, which would give every container on the
  // host the host's identity.
  if (container) return from_machine_id(node);
  std::optional<std::string> dmi;
  try {
    dmi = usable_dmi_uuid(node);
  } catch (const std::system_error& error) {
    return without_dmi_access(node, state_dir, error.code());
  }
  if (!dmi) return from_machine_id(node);
  keep_value(state_dir, kept_name, *dmi);
  return {*dmi, "dmi", {}};
}

}  // namespace pulse
