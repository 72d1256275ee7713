#include <cpuid.h>

#include <cstring>

#include "platform/windows.h"

namespace pulse::windows {
namespace {

constexpr unsigned kHypervisorPresentBit = 1u << 31;  // CPUID 1, ECX
constexpr unsigned kHypervisorLeaf = 0x40000000;

std::optional<std::string> platform_from_signature(const std::string& signature) {
  if (signature == "KVMKVMKVM") return "kvm";
  if (signature == "VMwareVMware") return "vmware";
  if (signature == "XenVMMXenVMM") return "xen";
  if (signature == "VBoxVBoxVBox") return "virtualbox";
  return std::nullopt;
}

}  // namespace

CpuHypervisor read_cpu_hypervisor() {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  CpuHypervisor cpu;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || (ecx & kHypervisorPresentBit) == 0) return cpu;
  cpu.present = true;
  __cpuid(kHypervisorLeaf, eax, ebx, ecx, edx);
  char signature[13] = {};
  std::memcpy(signature, &ebx, 4);
  std::memcpy(signature + 4, &ecx, 4);
  std::memcpy(signature + 8, &edx, 4);
  cpu.signature = signature;
  return cpu;
}

// The firmware's strings first, as on Linux; then the CPU. Windows with
// virtualisation-based security runs on Hyper-V even on bare metal, so
// "Microsoft Hv" alone does not make a virtual machine.
std::string detect_platform(const std::optional<SmbiosSystem>& system, const CpuHypervisor& cpu) {
  if (system) {
    const std::string& vendor = system->manufacturer;
    const std::string& product = system->product;
    if (vendor.starts_with("KVM") || product.starts_with("KVM")) return "kvm";
    // QEMU's strings are the same with and without KVM.
    if (vendor.starts_with("QEMU")) return cpu.signature == "KVMKVMKVM" ? "kvm" : "qemu";
    if (vendor.starts_with("VMware")) return "vmware";
    // The vendor alone would also match Surface hardware.
    if (vendor == "Microsoft Corporation" && product == "Virtual Machine") return "hyperv";
    if (vendor.starts_with("Xen")) return "xen";
    if (vendor.starts_with("innotek") || product.starts_with("VirtualBox")) return "virtualbox";
  }
  if (!cpu.present || cpu.signature == "Microsoft Hv") return "bare-metal";
  return platform_from_signature(cpu.signature).value_or("vm");
}

}  // namespace pulse::windows
