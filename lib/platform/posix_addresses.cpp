#include "platform/local_addresses.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include <cerrno>
#include <map>
#include <memory>
#include <string>
#include <system_error>

#include "platform/link_layer_address.h"

namespace pulse {
namespace {

template <typename Address>
std::vector<std::uint8_t> bytes_of(const Address& address) {
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(&address);
  return {bytes, bytes + sizeof address};
}

using InterfaceList = std::unique_ptr<ifaddrs, decltype(&::freeifaddrs)>;

InterfaceList interfaces() {
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) {
    throw std::system_error(errno, std::generic_category(), "cannot list the network interfaces");
  }
  return InterfaceList(list, ::freeifaddrs);
}

}  // namespace

std::vector<InterfaceAddress> list_interface_addresses() {
  InterfaceList list = interfaces();
  std::vector<InterfaceAddress> addresses;
  for (const ifaddrs* entry = list.get(); entry != nullptr; entry = entry->ifa_next) {
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

std::vector<InterfaceLink> list_interface_links() {
  InterfaceList list = interfaces();
  // getifaddrs gives each interface's link-layer entry (its MAC) apart from
  // its address entries; the interface name joins them.
  std::map<std::string, InterfaceLink> links;
  for (const ifaddrs* entry = list.get(); entry != nullptr; entry = entry->ifa_next) {
    const sockaddr* address = entry->ifa_addr;
    if (address == nullptr) continue;
    InterfaceLink& link = links[entry->ifa_name];
    link.flags = entry->ifa_flags;
    if (std::optional<std::vector<std::uint8_t>> mac = link_layer_address(*address)) {
      link.mac = std::move(*mac);
    } else if (address->sa_family == AF_INET || address->sa_family == AF_INET6) {
      link.has_address = true;
    }
  }
  std::vector<InterfaceLink> result;
  for (auto& [name, link] : links) result.push_back(std::move(link));
  return result;
}

}  // namespace pulse
