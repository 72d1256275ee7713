#include <winsock2.h>

#include <iphlpapi.h>
#include <ws2ipdef.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "platform/local_addresses.h"
#include "platform/windows_error.h"

namespace pulse {
namespace {

// The IFF_* flags order_local_addresses reads, as getifaddrs would give them.
unsigned interface_flags(const IP_ADAPTER_ADDRESSES& adapter) {
  unsigned flags = 0;
  if (adapter.OperStatus == IfOperStatusUp) flags |= IFF_UP;
  if (adapter.IfType == IF_TYPE_SOFTWARE_LOOPBACK) flags |= IFF_LOOPBACK;
  return flags;
}

// GetAdaptersAddresses' list of adapters, in `buffer`; nullptr when there
// are none.
const IP_ADAPTER_ADDRESSES* list_adapters(std::vector<std::uint8_t>& buffer) {
  constexpr ULONG kFlags =
      GAA_FLAG_SKIP_ANYCAST | GAA_FLAG_SKIP_MULTICAST | GAA_FLAG_SKIP_DNS_SERVER;
  // The adapters may change between the size query and the call: try again.
  ULONG size = 16 * 1024;
  ULONG result = ERROR_BUFFER_OVERFLOW;
  for (int attempt = 0; attempt < 4 && result == ERROR_BUFFER_OVERFLOW; ++attempt) {
    buffer.resize(size);
    result = GetAdaptersAddresses(AF_UNSPEC, kFlags, nullptr,
                                  reinterpret_cast<IP_ADAPTER_ADDRESSES*>(buffer.data()), &size);
  }
  if (result == ERROR_NO_DATA) return nullptr;
  if (result != ERROR_SUCCESS) throw windows::error(result, "cannot list the network interfaces");
  return reinterpret_cast<const IP_ADAPTER_ADDRESSES*>(buffer.data());
}

}  // namespace

std::vector<InterfaceAddress> list_interface_addresses() {
  std::vector<std::uint8_t> buffer;
  std::vector<InterfaceAddress> addresses;
  for (const auto* adapter = list_adapters(buffer); adapter != nullptr;
       adapter = adapter->Next) {
    const unsigned flags = interface_flags(*adapter);
    for (const auto* unicast = adapter->FirstUnicastAddress; unicast != nullptr;
         unicast = unicast->Next) {
      if (auto listed = interface_address(*unicast->Address.lpSockaddr, flags)) {
        addresses.push_back(std::move(*listed));
      }
    }
  }
  return addresses;
}

std::vector<InterfaceLink> list_interface_links() {
  std::vector<std::uint8_t> buffer;
  std::vector<InterfaceLink> links;
  for (const auto* adapter = list_adapters(buffer); adapter != nullptr;
       adapter = adapter->Next) {
    const std::size_t length =
        std::min<std::size_t>(adapter->PhysicalAddressLength, sizeof adapter->PhysicalAddress);
    links.push_back({std::vector<std::uint8_t>(adapter->PhysicalAddress,
                                               adapter->PhysicalAddress + length),
                     interface_flags(*adapter), adapter->FirstUnicastAddress != nullptr});
  }
  return links;
}

}  // namespace pulse
