// Which interface addresses the payload lists (contract §3), apart from
// getifaddrs so the filtering and ordering are tested without real
// interfaces.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pulse {

struct InterfaceAddress {
  int family = 0;                   // AF_INET or AF_INET6
  std::vector<std::uint8_t> bytes;  // network order: 4 or 16 bytes
  unsigned flags = 0;               // the interface's IFF_* flags
};

// Addresses of interfaces that are up and not loopback, as inet_ntop writes
// them: IPv4 then IPv6 without fe80::/10, each sorted by address bytes and
// without duplicates.
std::vector<std::string> order_local_addresses(std::vector<InterfaceAddress> addresses);

// Every IPv4 and IPv6 address getifaddrs reports; throws std::system_error.
std::vector<InterfaceAddress> list_interface_addresses();

}  // namespace pulse
