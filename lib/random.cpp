#include "random.h"

#include <sodium.h>

#include <vector>

#include "encoding.h"
#include "secret.h"

namespace pulse {

std::string random_token(std::size_t bytes) {
  ensure_sodium();
  std::vector<std::uint8_t> buffer(bytes);
  randombytes_buf(buffer.data(), buffer.size());
  return base64url_unpadded(buffer);
}

RandomSource system_random() {
  ensure_sodium();
  return [](std::uint64_t bound) -> std::uint64_t {
    if (bound == 0) return 0;
    std::uint64_t value;
    // Rejection sampling keeps the draw uniform over [0, bound].
    const std::uint64_t span = bound + 1;
    const std::uint64_t limit = span == 0 ? 0 : UINT64_MAX - UINT64_MAX % span;
    do {
      randombytes_buf(&value, sizeof value);
    } while (span != 0 && value >= limit);
    return span == 0 ? value : value % span;
  };
}

}  // namespace pulse
