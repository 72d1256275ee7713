#include "platform/local_addresses.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include <cerrno>
#include <memory>
#include <system_error>

namespace pulse {
namespace {

template <typename Address>
std::vector<std::uint8_t> bytes_of(const Address& address) {
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(&address);
  return {bytes, bytes + sizeof address};
}

}  // namespace

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
