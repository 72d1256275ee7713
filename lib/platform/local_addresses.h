// Which interface addresses and MACs the payload lists (contract §3), apart
// from getifaddrs so the filtering and ordering are tested without real
// interfaces.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

struct sockaddr;

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

// `address` as an InterfaceAddress of an interface with `flags`, when it is
// IPv4 or IPv6.
std::optional<InterfaceAddress> interface_address(const sockaddr& address, unsigned flags);

// Every IPv4 and IPv6 address getifaddrs reports; throws std::system_error.
std::vector<InterfaceAddress> list_interface_addresses();

// One interface's link-layer address.
struct InterfaceLink {
  std::vector<std::uint8_t> mac;  // 6 bytes for Ethernet and Wi-Fi
  unsigned flags = 0;             // IFF_* flags
  bool has_address = false;       // any IPv4 or IPv6 address
};

// The inventory's mac_addrs: the 6-byte MACs of links that are up, not
// loopback and have an address, as lowercase "aa:bb:cc:dd:ee:ff", sorted,
// without duplicates or all-zero addresses.
std::vector<std::string> order_mac_addresses(const std::vector<InterfaceLink>& links);

// Every interface's link-layer address; throws std::system_error.
std::vector<InterfaceLink> list_interface_links();

// order_mac_addresses of the running system; none when the interfaces
// cannot be listed, as the inventory leaves out what it cannot read.
std::vector<std::string> read_mac_addresses();

}  // namespace pulse
