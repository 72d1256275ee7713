#include "platform/local_addresses.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include <algorithm>
#include <cerrno>
#include <functional>
#include <memory>
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

std::vector<InterfaceAddress> list_interface_addresses() {
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) {
    throw std::system_error(errno, std::generic_category(), "cannot list the network interfaces");
  }
  std::unique_ptr<ifaddrs, decltype(&::freeifaddrs)> owner(list, ::freeifaddrs);
  std::vector<InterfaceAddress> addresses;
  for (const ifaddrs* entry = list; entry != nullptr; entry = entry->ifa_next) {
    const sockaddr* address = entry->ifa_addr;
    if (address == nullptr) continue;
    if (address->sa_family == AF_INET) {
      addresses.push_back({AF_INET,
                           bytes_of(reinterpret_cast<const sockaddr_in*>(address)->sin_addr),
                           entry->ifa_flags});
    } else if (address->sa_family == AF_INET6) {
      addresses.push_back({AF_INET6,
                           bytes_of(reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr),
                           entry->ifa_flags});
    }
  }
  return addresses;
}

}  // namespace pulse
