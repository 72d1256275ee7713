#include "platform/linux.h"

#include <algorithm>
#include <cctype>
#include <sstream>
#include <system_error>

#include "platform/words.h"

namespace pulse {
namespace {

// Detection reads hints, and a hint the agent may not read (EACCES on
// /proc/1/environ for non-root) tells nothing rather than failing the event.
std::string read_hint(const LinuxNode& node, const std::filesystem::path& path) {
  try {
    return node.read_file(path).value_or("");
  } catch (const std::system_error&) {
    return "";
  }
}

std::string first_line(const LinuxNode& node, const std::filesystem::path& path) {
  std::string text = read_hint(node, path);
  text.erase(std::min(text.find('\n'), text.size()));
  text.erase(text.find_last_not_of(" \t\r") + 1);
  return text;
}

bool contains_ignoring_case(std::string_view text, std::string_view needle) {
  auto equal = [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) ==
           std::tolower(static_cast<unsigned char>(b));
  };
  return std::search(text.begin(), text.end(), needle.begin(), needle.end(), equal) != text.end();
}

// The container= variable the container manager gave init. Non-root may not
// read /proc/1/environ; systemd copies the value into /run/systemd/container.
std::string container_variable(const LinuxNode& node) {
  std::string environ = read_hint(node, "/proc/1/environ");
  std::istringstream entries(environ);
  std::string entry;
  while (std::getline(entries, entry, '\0')) {
    if (entry.starts_with("container=")) return entry.substr(entry.find('=') + 1);
  }
  return first_line(node, "/run/systemd/container");
}

bool is_proxmox_container(const LinuxNode& node) {
  // Proxmox VE writes this marker into the files it manages in its containers.
  constexpr std::string_view marker = "# --- BEGIN PVE ---";
  return read_hint(node, "/etc/hosts").find(marker) != std::string::npos ||
         read_hint(node, "/etc/resolv.conf").find(marker) != std::string::npos;
}

std::optional<std::string> known_container(const LinuxNode& node, const std::string& kind) {
  // A pod names its orchestrator rather than the runtime beneath it, which
  // also leaves its own traces (/.dockerenv).
  if (node.exists("/var/run/secrets/kubernetes.io/serviceaccount") ||
      node.environment("KUBERNETES_SERVICE_HOST")) {
    return "kubernetes";
  }
  if (kind == "lxc" || kind == "lxc-libvirt") {
    return is_proxmox_container(node) ? "proxmox-lxc" : "lxc";
  }
  if (kind == "docker" || kind == "podman") return kind;
  if (node.exists("/run/.containerenv")) return "podman";
  if (node.exists("/.dockerenv")) return "docker";
  return std::nullopt;
}

bool runs_on_kvm(const LinuxNode& node) {
  // QEMU's DMI strings are the same with and without KVM; the paravirtual
  // clock appears only under KVM.
  return has_word(
      read_hint(node, "/sys/devices/system/clocksource/clocksource0/available_clocksource"),
      "kvm-clock");
}

std::optional<std::string> hypervisor_from_dmi(const LinuxNode& node) {
  std::string vendor = first_line(node, "/sys/class/dmi/id/sys_vendor");
  std::string product = first_line(node, "/sys/class/dmi/id/product_name");
  if (vendor.starts_with("KVM") || product.starts_with("KVM")) return "kvm";
  if (vendor.starts_with("QEMU")) return runs_on_kvm(node) ? "kvm" : "qemu";
  if (vendor.starts_with("VMware")) return "vmware";
  // The vendor alone would also match Surface hardware.
  if (vendor == "Microsoft Corporation" && product == "Virtual Machine") return "hyperv";
  if (vendor.starts_with("Xen")) return "xen";
  if (vendor.starts_with("innotek") || product.starts_with("VirtualBox")) return "virtualbox";
  return std::nullopt;
}

bool has_hypervisor_cpu_flag(const LinuxNode& node) {
  std::istringstream lines(read_hint(node, "/proc/cpuinfo"));
  std::string line;
  while (std::getline(lines, line)) {
    if (line.starts_with("flags") && has_word(line.substr(line.find(':') + 1), "hypervisor")) {
      return true;
    }
  }
  return false;
}

std::string hypervisor(const LinuxNode& node) {
  if (std::optional<std::string> from_dmi = hypervisor_from_dmi(node)) return *from_dmi;
  if (first_line(node, "/sys/hypervisor/type") == "xen") {
    // Xen's dom0 runs the hardware for its guests and is no guest itself.
    bool dom0 = read_hint(node, "/proc/xen/capabilities").find("control_d") != std::string::npos;
    return dom0 ? "bare-metal" : "xen";
  }
  return has_hypervisor_cpu_flag(node) ? "vm" : "bare-metal";
}

}  // namespace

PlatformFacts detect_platform(const LinuxNode& node, std::string_view kernel_release) {
  std::string kind = container_variable(node);
  if (std::optional<std::string> container = known_container(node, kind)) {
    return {*container, true};
  }
  // Container kinds §3 has no value for (systemd-nspawn, …) report what
  // hosts them.
  bool container = !kind.empty();
  if (contains_ignoring_case(kernel_release, "microsoft")) return {"wsl", container};
  return {hypervisor(node), container};
}

}  // namespace pulse
