// parse_duration reads flags and config values; whatever it accepts,
// format_duration must write back in a form that reads as the same duration.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "duration.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (const auto duration = pulse::parse_duration(text)) {
    if (pulse::parse_duration(pulse::format_duration(*duration)) != duration) std::abort();
  }
  return 0;
}
