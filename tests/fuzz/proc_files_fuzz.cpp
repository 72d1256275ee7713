// /proc/cpuinfo, /proc/meminfo and /sys/devices/system/cpu/online are read
// as text for the inventory; in a container or under an unusual kernel they
// hold whatever is mounted there.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "platform/linux.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  pulse::cpu_brand_from_cpuinfo(text);
  pulse::mem_total_kb_from_meminfo(text);
  pulse::count_cpu_list(text);
  return 0;
}
