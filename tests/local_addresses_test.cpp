#include "platform/local_addresses.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>

#include <catch2/catch.hpp>

using pulse::InterfaceAddress;
using pulse::order_local_addresses;
using Texts = std::vector<std::string>;

namespace {

constexpr unsigned up = IFF_UP | IFF_RUNNING;

InterfaceAddress address(const char* text, unsigned flags = up) {
  int family = std::string_view(text).find(':') == std::string_view::npos ? AF_INET : AF_INET6;
  std::vector<std::uint8_t> bytes(family == AF_INET ? 4 : 16);
  REQUIRE(::inet_pton(family, text, bytes.data()) == 1);
  return {family, bytes, flags};
}

}  // namespace

TEST_CASE("local addresses list IPv4 before IPv6, each sorted by address bytes",
          "[local_addresses]") {
  Texts ordered = order_local_addresses({
      address("2001:db8::2"),
      address("192.168.1.10"),
      address("2001:db8::1"),
      address("10.0.0.2"),
      address("9.9.9.9"),
      address("fd00::1"),
  });
  // By bytes 9.9.9.9 comes before 10.0.0.2, where text would sort it last.
  CHECK(ordered ==
        Texts{"9.9.9.9", "10.0.0.2", "192.168.1.10", "2001:db8::1", "2001:db8::2", "fd00::1"});
}

TEST_CASE("local addresses leave out interfaces that are down or loopback", "[local_addresses]") {
  Texts ordered = order_local_addresses({
      address("127.0.0.1", up | IFF_LOOPBACK),
      address("::1", up | IFF_LOOPBACK),
      address("10.1.1.1", IFF_RUNNING),
      address("10.2.2.2"),
  });
  CHECK(ordered == Texts{"10.2.2.2"});
}

TEST_CASE("local addresses leave out exactly fe80::/10", "[local_addresses]") {
  Texts ordered = order_local_addresses({
      address("fe80::1"),
      address("febf:ffff::1"),
      address("fec0::1"),
      address("fe7f::1"),
      address("169.254.1.1"),
  });
  CHECK(ordered == Texts{"169.254.1.1", "fe7f::1", "fec0::1"});
}

TEST_CASE("local addresses appear once even on several interfaces", "[local_addresses]") {
  Texts ordered = order_local_addresses(
      {address("10.0.0.1"), address("2001:db8::1"), address("10.0.0.1"), address("2001:db8::1")});
  CHECK(ordered == Texts{"10.0.0.1", "2001:db8::1"});
}

TEST_CASE("local addresses are written as inet_ntop writes them", "[local_addresses]") {
  Texts ordered = order_local_addresses({
      address("2001:0DB8:0000:0000:0000:0000:0000:0001"),
      address("::ffff:192.0.2.1"),
      address("2001:db8:0:1:0:0:0:1"),
  });
  CHECK(ordered == Texts{"::ffff:192.0.2.1", "2001:db8::1", "2001:db8:0:1::1"});
}

TEST_CASE("local addresses ignore other families and malformed entries", "[local_addresses]") {
  Texts ordered = order_local_addresses({
      {AF_UNIX, {1, 2, 3, 4}, up},
      {AF_INET, {10, 0, 0}, up},
      {AF_INET6, {0xfe, 0x80}, up},
      address("10.0.0.9"),
  });
  CHECK(ordered == Texts{"10.0.0.9"});
}

TEST_CASE("the running system's interface addresses have their family's size",
          "[local_addresses]") {
  for (const InterfaceAddress& each : pulse::list_interface_addresses()) {
    CHECK(each.bytes.size() == (each.family == AF_INET ? 4u : 16u));
  }
}

TEST_CASE("MAC addresses of links that are up, not loopback and have an address",
          "[local_addresses]") {
  using pulse::InterfaceLink;
  const std::vector<std::uint8_t> eth0 = {0x3c, 0xEC, 0xef, 0x01, 0x02, 0x0a};
  const std::vector<std::uint8_t> eth1 = {0x00, 0x1b, 0x21, 0xaa, 0xbb, 0xcc};
  Texts macs = pulse::order_mac_addresses({
      InterfaceLink{eth0, up, true},
      InterfaceLink{eth1, up, true},
      InterfaceLink{eth0, up, true},  // a second entry for the same MAC (a bond)
      InterfaceLink{{0x52, 0x54, 0x00, 0, 0, 1}, IFF_RUNNING, true},          // down
      InterfaceLink{{0x52, 0x54, 0x00, 0, 0, 2}, up | IFF_LOOPBACK, true},    // loopback
      InterfaceLink{{0x52, 0x54, 0x00, 0, 0, 3}, up, false},                  // no address
      InterfaceLink{{0, 0, 0, 0, 0, 0}, up, true},                            // a tunnel
      InterfaceLink{{}, up, true},                                            // no link layer
      InterfaceLink{{0x80, 0, 0, 0x48, 0xfe, 0x80, 0, 0}, up, true},          // InfiniBand, cut
  });
  CHECK(macs == Texts{"00:1b:21:aa:bb:cc", "3c:ec:ef:01:02:0a"});
}

TEST_CASE("MAC addresses of the running system are lowercase, sorted and unique",
          "[local_addresses]") {
  Texts macs = pulse::read_mac_addresses();
  for (const std::string& mac : macs) {
    INFO(mac);
    CHECK(mac.size() == 17);
    CHECK(mac.find_first_not_of("0123456789abcdef:") == std::string::npos);
    CHECK(mac != "00:00:00:00:00:00");
  }
  CHECK(std::is_sorted(macs.begin(), macs.end()));
  CHECK(std::adjacent_find(macs.begin(), macs.end()) == macs.end());
}

TEST_CASE("an interface address is taken from an IPv4 or IPv6 sockaddr, and nothing else",
          "[local_addresses]") {
  sockaddr_in v4{};
  v4.sin_family = AF_INET;
  REQUIRE(::inet_pton(AF_INET, "192.0.2.7", &v4.sin_addr) == 1);
  std::optional<InterfaceAddress> taken =
      pulse::interface_address(reinterpret_cast<const sockaddr&>(v4), up);
  REQUIRE(taken);
  CHECK(taken->family == AF_INET);
  CHECK(taken->bytes == address("192.0.2.7").bytes);
  CHECK(taken->flags == up);

  sockaddr_in6 v6{};
  v6.sin6_family = AF_INET6;
  REQUIRE(::inet_pton(AF_INET6, "2001:db8::1", &v6.sin6_addr) == 1);
  taken = pulse::interface_address(reinterpret_cast<const sockaddr&>(v6), 0);
  REQUIRE(taken);
  CHECK(taken->family == AF_INET6);
  CHECK(taken->bytes == address("2001:db8::1").bytes);

  sockaddr other{};
  other.sa_family = AF_UNIX;
  CHECK_FALSE(pulse::interface_address(other, up));
}
