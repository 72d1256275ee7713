// The hardware address in one getifaddrs(3) entry, the one part of listing
// interfaces that differs between the POSIX systems: Linux gives it in an
// AF_PACKET entry, macOS and the BSDs in an AF_LINK one.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <vector>

namespace pulse {

// nullopt for an entry that holds no hardware address.
std::optional<std::vector<std::uint8_t>> link_layer_address(const sockaddr& address);

}  // namespace pulse
