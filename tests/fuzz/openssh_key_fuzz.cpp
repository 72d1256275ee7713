// The key file is read from a path the user names. A key it accepts must
// survive our own writer: written and read again, it is the same key.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "openssh_key.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view armoured(reinterpret_cast<const char*>(data), size);
  try {
    const pulse::Identity identity = pulse::parse_openssh_private_key(armoured);
    const pulse::Identity again =
        pulse::parse_openssh_private_key(pulse::format_openssh_private_key(identity, 0x5eed));
    if (again.public_key() != identity.public_key() || again.comment() != identity.comment()) {
      std::abort();
    }
  } catch (const pulse::KeyFormatError&) {
  }
  return 0;
}
