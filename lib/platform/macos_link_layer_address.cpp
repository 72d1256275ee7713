#include <net/if_dl.h>

#include "platform/link_layer_address.h"

namespace pulse {

std::optional<std::vector<std::uint8_t>> link_layer_address(const sockaddr& address) {
  if (address.sa_family != AF_LINK) return std::nullopt;
  const auto& link = reinterpret_cast<const sockaddr_dl&>(address);
  // LLADDR: the address follows the interface's name in sdl_data.
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(LLADDR(&link));
  return std::vector<std::uint8_t>(bytes, bytes + link.sdl_alen);
}

}  // namespace pulse
