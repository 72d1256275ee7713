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
    if (auto listed = interface_address(*address, entry->ifa_flags)) {
      addresses.push_back(std::move(*listed));
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
