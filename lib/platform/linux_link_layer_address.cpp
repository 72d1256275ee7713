#include <linux/if_packet.h>

#include <algorithm>

#include "platform/link_layer_address.h"

namespace pulse {

std::optional<std::vector<std::uint8_t>> link_layer_address(const sockaddr& address) {
  if (address.sa_family != AF_PACKET) return std::nullopt;
  const auto& packet = reinterpret_cast<const sockaddr_ll&>(address);
  const std::size_t length = std::min<std::size_t>(packet.sll_halen, sizeof packet.sll_addr);
  return std::vector<std::uint8_t>(packet.sll_addr, packet.sll_addr + length);
}

}  // namespace pulse
