// pulse.toml: toml++'s parser and then the project's own checks of every key.
// A bad file must end as Failure(configuration), never anything else.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config_file.h"
#include "failure.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  pulse::Settings settings;
  try {
    pulse::apply_config_text(text, "pulse.toml", settings);
  } catch (const pulse::Failure&) {
  }
  return 0;
}
