// The Windows collectors behind collect_node_facts. Like Win32_Computer-
// SystemProduct, they read the firmware's SMBIOS table themselves, through
// GetSystemFirmwareTable: no WMI query and no child process.
#pragma once

#include <optional>
#include <string>

#include "platform/smbios.h"

namespace pulse::windows {

// The firmware's table; nullopt when Windows gives none.
std::optional<SmbiosSystem> read_smbios_system();

// The CPU's hypervisor leaves (CPUID 1 and 0x40000000).
struct CpuHypervisor {
  bool present = false;
  std::string signature;  // e.g. "Microsoft Hv", "KVMKVMKVM", "VMwareVMware"
};
CpuHypervisor read_cpu_hypervisor();

// One of contract §3's platform values, from the SMBIOS strings and the CPU.
std::string detect_platform(const std::optional<SmbiosSystem>& system, const CpuHypervisor& cpu);

std::string read_hostname();
// "Windows 11 (build 22631)", from RtlGetVersion, which unlike GetVersionEx
// does not depend on the program's manifest.
std::string read_os_version();
// "10.0.22631.4460": major.minor.build and, when the registry has it, the
// update build revision.
std::string read_kernel_version();
// The inventory's os_version: "11 (22631)", "Server 2022 (20348)".
std::string read_product_version();
// The first processor's ProcessorNameString from the registry.
std::optional<std::string> read_processor_name();

struct MachineUuid {
  std::string uuid;
  std::string source;
};
// SMBIOS's UUID, else the MachineGuid that Windows setup writes. Throws
// Failure when there is neither.
MachineUuid read_machine_uuid(const std::optional<SmbiosSystem>& system);

}  // namespace pulse::windows
