// pulse.toml: toml++'s parser and then the project's own checks of every key.
// A bad file must end as Failure(configuration), never anything else.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config_file.h"
#include "failure.h"

namespace {

// toml++ 3.3.0 (Debian 12) reaches __builtin_unreachable when it asks whether
// one of these code points is whitespace (upstream issue #295, fixed by pull
// request #305; see tests/fuzz/README.md). Inputs holding one are skipped, so
// that the fuzzer looks for other bugs instead.
bool trips_known_toml_bug(char32_t c) {
  if (c <= 0xA0 || c >= 0xFEFF || c == 0x3000) return false;
  const auto bucket = (c - 0xA0) / 0x3FA;
  const bool bucket_has_whitespace = ((0x7FFFFFFFFFFFF75Eull >> bucket) & 1) == 0;
  return bucket_has_whitespace && bucket != 0x05 && bucket != 0x07;
}

bool holds_known_toml_bug(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const std::size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (length == 1 || i + length > text.size()) continue;
    char32_t c = lead & (0x7F >> length);
    for (std::size_t k = 1; k < length; ++k) {
      c = c << 6 | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    }
    if (trips_known_toml_bug(c)) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (holds_known_toml_bug(text)) return 0;
  pulse::Settings settings;
  try {
    pulse::apply_config_text(text, "pulse.toml", settings);
  } catch (const pulse::Failure&) {
  }
  return 0;
}
