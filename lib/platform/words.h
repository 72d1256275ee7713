// Hints the platform detection reads: flag lists such as /proc/cpuinfo's
// "flags" or macOS's machdep.cpu.features, words apart by white space.
#pragma once

#include <string_view>

namespace pulse {

// True when `word` is one of `text`'s words, whole.
bool has_word(std::string_view text, std::string_view word);

}  // namespace pulse
