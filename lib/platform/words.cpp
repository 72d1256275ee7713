#include "platform/words.h"

#include <sstream>
#include <string>

namespace pulse {

bool has_word(std::string_view text, std::string_view word) {
  std::istringstream words{std::string(text)};
  std::string each;
  while (words >> each) {
    if (each == word) return true;
  }
  return false;
}

}  // namespace pulse
