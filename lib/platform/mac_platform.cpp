#include "platform/mac_platform.h"

#include <optional>
#include <string>

#include "platform/words.h"

namespace pulse {
namespace {

// hw.model is the model name the firmware hands macOS. On a Mac it is the
// product ("MacBookPro18,3", "Mac14,2"); hypervisors that boot macOS put
// their own there: VMware Fusion "VMware7,1" (and "VMware20,1" in newer
// virtual hardware), VirtualBox "VirtualBox" unless its DMI is set to a
// Mac's, Parallels "Parallels-ARM" on Apple silicon, Apple's Virtualization
// framework (and UTM on it) "VirtualMac2,1".
std::optional<std::string> platform_from_model(const std::string& model) {
  if (model.starts_with("VMware")) return "vmware";
  if (model.starts_with("VirtualBox")) return "virtualbox";
  // Contract §3 has no value for Parallels or Apple's framework: "vm".
  if (model.starts_with("Parallels") || model.starts_with("VirtualMac")) return "vm";
  return std::nullopt;
}

// The kernel says 1 in any guest (kern.hv_vmm_present, macOS 11 and later);
// on Intel, the CPU's hypervisor bit shows as "VMM" in machdep.cpu.features
// on older releases too.
bool runs_in_vm(const Sysctl& sysctl) {
  if (sysctl.number("kern.hv_vmm_present").value_or(0) == 1) return true;
  return has_word(sysctl.text("machdep.cpu.features").value_or(""), "VMM");
}

}  // namespace

std::string detect_mac_platform(const Sysctl& sysctl) {
  if (auto from_model = platform_from_model(sysctl.text("hw.model").value_or(""))) {
    return *from_model;
  }
  if (!runs_in_vm(sysctl)) return "bare-metal";
  // QEMU (OSX-KVM, UTM's emulation) dresses the guest as a real Mac model,
  // but its generic CPU models name themselves: "QEMU Virtual CPU version
  // 2.5+". Whether KVM accelerates it is not visible from here, so "qemu".
  if (sysctl.text("machdep.cpu.brand_string").value_or("").find("QEMU") != std::string::npos) {
    return "qemu";
  }
  return "vm";
}

}  // namespace pulse
