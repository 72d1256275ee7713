#include "platform/local_addresses.h"

#ifdef _WIN32
#include <winsock2.h>
#include <ws2ipdef.h>
#include <ws2tcpip.h>
#else
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#endif

#include <algorithm>
#include <cstdio>
#include <functional>
#include <system_error>
#include <tuple>

namespace pulse {
namespace {

bool is_ipv6_link_local(const std::vector<std::uint8_t>& bytes) {
  return bytes[0] == 0xfe && (bytes[1] & 0xc0) == 0x80;
}

bool is_listed(const InterfaceAddress& address) {
  if ((address.flags & IFF_UP) == 0 || (address.flags & IFF_LOOPBACK) != 0) return false;
  if (address.family == AF_INET) return address.bytes.size() == 4;
  if (address.family == AF_INET6) {
    return address.bytes.size() == 16 && !is_ipv6_link_local(address.bytes);
  }
  return false;
}

auto order_key(const InterfaceAddress& address) {
  return std::make_tuple(address.family == AF_INET6, std::cref(address.bytes));
}

template <typename Address>
std::vector<std::uint8_t> bytes_of(const Address& address) {
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(&address);
  return {bytes, bytes + sizeof address};
}

}  // namespace

std::optional<InterfaceAddress> interface_address(const sockaddr& address, unsigned flags) {
  if (address.sa_family == AF_INET) {
    return InterfaceAddress{
        AF_INET, bytes_of(reinterpret_cast<const sockaddr_in&>(address).sin_addr), flags};
  }
  if (address.sa_family == AF_INET6) {
    return InterfaceAddress{
        AF_INET6, bytes_of(reinterpret_cast<const sockaddr_in6&>(address).sin6_addr), flags};
  }
  return std::nullopt;
}

std::vector<std::string> order_local_addresses(std::vector<InterfaceAddress> addresses) {
  std::erase_if(addresses, [](const InterfaceAddress& address) { return !is_listed(address); });
  std::sort(addresses.begin(), addresses.end(),
            [](const InterfaceAddress& a, const InterfaceAddress& b) {
              return order_key(a) < order_key(b);
            });
  std::vector<std::string> texts;
  for (std::size_t i = 0; i < addresses.size(); ++i) {
    if (i > 0 && order_key(addresses[i - 1]) == order_key(addresses[i])) continue;
    char text[INET6_ADDRSTRLEN] = {};
    ::inet_ntop(addresses[i].family, addresses[i].bytes.data(), text, sizeof text);
    texts.emplace_back(text);
  }
  return texts;
}

std::vector<std::string> order_mac_addresses(const std::vector<InterfaceLink>& links) {
  std::vector<std::string> texts;
  for (const InterfaceLink& link : links) {
    if ((link.flags & IFF_UP) == 0 || (link.flags & IFF_LOOPBACK) != 0) continue;
    // Only Ethernet and Wi-Fi MACs: an InfiniBand or tunnel address is no MAC.
    if (!link.has_address || link.mac.size() != 6) continue;
    if (std::all_of(link.mac.begin(), link.mac.end(), [](std::uint8_t b) { return b == 0; })) {
      continue;
    }
    std::string text;
    for (std::uint8_t byte : link.mac) {
      char hex[4];
      std::snprintf(hex, sizeof hex, text.empty() ? "%02x" : ":%02x", byte);
      text += hex;
    }
    texts.push_back(std::move(text));
  }
  std::sort(texts.begin(), texts.end());
  texts.erase(std::unique(texts.begin(), texts.end()), texts.end());
  return texts;
}

std::vector<std::string> read_mac_addresses() {
  try {
    return order_mac_addresses(list_interface_links());
  } catch (const std::system_error&) {
    return {};
  }
}

}  // namespace pulse
