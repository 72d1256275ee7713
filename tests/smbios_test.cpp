#include "platform/smbios.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

using pulse::parse_smbios_system;

namespace {

// RawSMBIOSData around `table`: calling method, version, DMI revision,
// length.
std::string raw_smbios(std::uint8_t major, std::uint8_t minor, const std::string& table) {
  std::string raw{'\0', static_cast<char>(major), static_cast<char>(minor), '\0'};
  const auto length = static_cast<std::uint32_t>(table.size());
  for (int shift = 0; shift < 32; shift += 8) raw.push_back(static_cast<char>(length >> shift));
  return raw + table;
}

// One structure: type, length, handle, the formatted bytes after the
// header, then the string set.
std::string structure(std::uint8_t type, const std::vector<std::uint8_t>& formatted,
                      const std::vector<std::string>& strings) {
  std::string bytes{static_cast<char>(type), static_cast<char>(4 + formatted.size()), '\x01', '\0'};
  bytes.append(formatted.begin(), formatted.end());
  for (const auto& text : strings) bytes += text + '\0';
  if (strings.empty()) bytes += '\0';
  return bytes + '\0';
}

// Type 1 with manufacturer string 1, product string 2, serial number
// string `serial` (0: none) and this UUID.
std::string system_information(const std::vector<std::uint8_t>& uuid,
                               const std::vector<std::string>& strings, std::uint8_t serial = 0) {
  std::vector<std::uint8_t> formatted = {1, 2, 0, serial};
  formatted.insert(formatted.end(), uuid.begin(), uuid.end());
  formatted.insert(formatted.end(), {6, 0, 0});  // wake-up type, SKU, family
  return structure(1, formatted, strings);
}

const std::vector<std::uint8_t> kUuid = {0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66,
                                         0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};

}  // namespace

TEST_CASE("SMBIOS 2.6+ stores the UUID's first three fields little-endian", "[smbios]") {
  const std::string table = structure(0, {1, 2, 0, 0}, {"SeaBIOS", "1.16"}) +
                            system_information(kUuid, {"QEMU", "Standard PC (Q35 + ICH9, 2009)"}) +
                            structure(127, {}, {});
  auto system = parse_smbios_system(raw_smbios(3, 0, table));
  REQUIRE(system);
  CHECK(system->manufacturer == "QEMU");
  CHECK(system->product == "Standard PC (Q35 + ICH9, 2009)");
  CHECK(system->uuid == "00112233-4455-6677-8899-aabbccddeeff");
}

TEST_CASE("SMBIOS before 2.6 stores the UUID in network order", "[smbios]") {
  auto system = parse_smbios_system(raw_smbios(2, 5, system_information(kUuid, {"Acme", "Box"})));
  REQUIRE(system);
  CHECK(system->uuid == "33221100-5544-7766-8899-aabbccddeeff");
}

TEST_CASE("an unset SMBIOS UUID is no UUID", "[smbios]") {
  for (std::uint8_t fill : {0x00, 0xff}) {
    auto system = parse_smbios_system(
        raw_smbios(3, 4, system_information(std::vector<std::uint8_t>(16, fill), {"Acme", "Box"})));
    REQUIRE(system);
    CHECK_FALSE(system->uuid);
  }
}

TEST_CASE("SMBIOS strings that are missing read as empty", "[smbios]") {
  auto system = parse_smbios_system(raw_smbios(3, 0, system_information(kUuid, {})));
  REQUIRE(system);
  CHECK(system->manufacturer.empty());
  CHECK(system->product.empty());
  CHECK(system->serial.empty());
}

TEST_CASE("SMBIOS gives the system's serial number", "[smbios]") {
  auto system = parse_smbios_system(
      raw_smbios(3, 0, system_information(kUuid, {"Dell Inc.", "PowerEdge R650", "7XK9Q53"}, 3)));
  REQUIRE(system);
  CHECK(system->manufacturer == "Dell Inc.");
  CHECK(system->product == "PowerEdge R650");
  CHECK(system->serial == "7XK9Q53");
}

TEST_CASE("SMBIOS tables without a system structure or cut short give nothing", "[smbios]") {
  CHECK_FALSE(parse_smbios_system(""));
  CHECK_FALSE(parse_smbios_system(raw_smbios(3, 0, structure(127, {}, {}))));
  const std::string whole = system_information(kUuid, {"Acme", "Box"});
  CHECK_FALSE(parse_smbios_system(raw_smbios(3, 0, whole.substr(0, whole.size() - 3))));
}
