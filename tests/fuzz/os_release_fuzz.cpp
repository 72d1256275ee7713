// /etc/os-release is read as text from the machine (or a container image).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "platform/os_release.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  pulse::os_version_from(pulse::parse_os_release(text));
  return 0;
}
