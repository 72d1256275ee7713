#include "secret.h"

#include <sodium.h>

#include <stdexcept>

namespace pulse {

void ensure_sodium() {
  static const bool ready = sodium_init() >= 0;
  if (!ready) throw std::runtime_error("cannot initialise libsodium");
}

void wipe_memory(void* data, std::size_t size) { sodium_memzero(data, size); }

}  // namespace pulse
