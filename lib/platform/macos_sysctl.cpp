#include <sys/sysctl.h>
#include <sys/types.h>

#include <algorithm>
#include <cstring>

#include "platform/sysctl.h"

namespace pulse {
namespace {

class KernelSysctl : public Sysctl {
 public:
  std::optional<std::string> text(const std::string& name) const override {
    std::size_t size = 0;
    if (::sysctlbyname(name.c_str(), nullptr, &size, nullptr, 0) != 0 || size == 0) {
      return std::nullopt;
    }
    std::string value(size, '\0');
    if (::sysctlbyname(name.c_str(), value.data(), &size, nullptr, 0) != 0) return std::nullopt;
    value.resize(std::min(size, std::strlen(value.c_str())));
    return value;
  }

  // hw.memsize is 64 bits wide, hw.logicalcpu and kern.hv_vmm_present 32:
  // the size the kernel reports says which.
  std::optional<std::uint64_t> number(const std::string& name) const override {
    std::uint64_t wide = 0;
    std::size_t size = sizeof wide;
    if (::sysctlbyname(name.c_str(), &wide, &size, nullptr, 0) != 0) return std::nullopt;
    if (size == sizeof(std::uint32_t)) {
      std::uint32_t narrow = 0;
      std::memcpy(&narrow, &wide, sizeof narrow);
      return narrow;
    }
    if (size != sizeof wide) return std::nullopt;
    return wide;
  }
};

}  // namespace

const Sysctl& system_sysctl() {
  static const KernelSysctl kernel;
  return kernel;
}

}  // namespace pulse
