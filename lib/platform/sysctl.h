// The kernel's named values on macOS (sysctlbyname(3)), behind an interface
// so that the mappings reading them are tested on any OS with a fake.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace pulse {

class Sysctl {
 public:
  virtual ~Sysctl() = default;
  // A string value ("machdep.cpu.brand_string"); nullopt when the name is
  // unknown here (hv_vmm_present on an old release, brand_string on arm64
  // before macOS 12) or cannot be read.
  virtual std::optional<std::string> text(const std::string& name) const = 0;
  // An integer value of any width ("hw.memsize", "kern.hv_vmm_present").
  virtual std::optional<std::uint64_t> number(const std::string& name) const = 0;
};

// The running kernel's; defined on macOS only (macos_sysctl.cpp).
const Sysctl& system_sysctl();

}  // namespace pulse
