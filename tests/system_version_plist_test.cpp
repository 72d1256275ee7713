#include "platform/system_version_plist.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

using pulse::mac_os_version;
using pulse::parse_system_version_plist;
using pulse::SystemVersion;

namespace {

std::string fixture(const std::string& name) {
  std::ifstream file(std::string(PULSE_TEST_DATA) + "/macos/" + name);
  REQUIRE(file);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

std::string plist_with(const std::string& dict_body) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<plist version=\"1.0\">\n<dict>\n" +
         dict_body + "</dict>\n</plist>\n";
}

}  // namespace

TEST_CASE("SystemVersion.plist of macOS 14 gives name, version and build", "[mac]") {
  auto version = parse_system_version_plist(fixture("SystemVersion-14.2.plist"));
  REQUIRE(version);
  CHECK(version->product_name == "macOS");
  CHECK(version->product_version == "14.2");
  CHECK(version->build_version == "23C64");
  CHECK(mac_os_version(version) == "macOS 14.2 (23C64)");
}

TEST_CASE("SystemVersion.plist of OS X 10.11 names the system as it did then", "[mac]") {
  auto version = parse_system_version_plist(fixture("SystemVersion-10.11.6.plist"));
  CHECK(mac_os_version(version) == "Mac OS X 10.11.6 (15G31)");
}

TEST_CASE("SystemVersion.plist without a version says unknown", "[mac]") {
  auto version = parse_system_version_plist(
      plist_with("<key>ProductName</key><string>macOS</string>\n"
                 "<key>ProductBuildVersion</key><string>23C64</string>\n"));
  REQUIRE(version);
  CHECK(version->product_version.empty());
  CHECK(mac_os_version(version) == "unknown");
  CHECK(mac_os_version(std::nullopt) == "unknown");
}

TEST_CASE("SystemVersion.plist without name or build still gives the version", "[mac]") {
  auto version =
      parse_system_version_plist(plist_with("<key>ProductVersion</key><string>13.6</string>\n"));
  CHECK(mac_os_version(version) == "macOS 13.6");
}

TEST_CASE("SystemVersion.plist decodes predefined entities and character references", "[mac]") {
  auto version = parse_system_version_plist(
      plist_with("<key>Product&#78;ame</key><string>mac&amp;OS &lt;&#x2603;&gt;</string>\n"
                 "<key>ProductVersion</key><string>14.2</string>\n"));
  REQUIRE(version);
  CHECK(version->product_name == "mac&OS <\xE2\x98\x83>");
}

TEST_CASE("SystemVersion.plist leaves out a value with an undefined entity", "[mac]") {
  auto version = parse_system_version_plist(
      plist_with("<key>ProductName</key><string>&lol9;</string>\n"
                 "<key>ProductVersion</key><string>&#0;</string>\n"
                 "<key>ProductBuildVersion</key><string>23C64</string>\n"));
  REQUIRE(version);
  CHECK(version->product_name.empty());
  CHECK(version->product_version.empty());
  CHECK(version->build_version == "23C64");
}

TEST_CASE("SystemVersion.plist with an internal DTD subset is not read", "[mac]") {
  CHECK_FALSE(parse_system_version_plist(
      "<?xml version=\"1.0\"?>\n<!DOCTYPE plist [<!ENTITY lol \"lol\">]>\n"
      "<plist><dict><key>ProductVersion</key><string>&lol;</string></dict></plist>"));
}

TEST_CASE("SystemVersion.plist reads only the top-level dict's strings", "[mac]") {
  auto version = parse_system_version_plist(plist_with(
      "<!-- <key>ProductVersion</key><string>1.0</string> -->\n"
      "<key>Nested</key><dict><key>ProductVersion</key><string>2.0</string></dict>\n"
      "<key>ProductBuildVersion</key><integer>7</integer>\n"
      "<key>ProductName</key><string/>\n"
      "<key>ProductVersion</key><string>14.2</string>\n"));
  REQUIRE(version);
  CHECK(version->product_version == "14.2");
  CHECK(version->build_version.empty());
  CHECK(version->product_name.empty());
}

TEST_CASE("SystemVersion.plist keeps a huge value whole for the metadata to cut", "[mac]") {
  const std::string huge(60 * 1024, 'x');
  auto version = parse_system_version_plist(
      plist_with("<key>ProductVersion</key><string>" + huge + "</string>\n"));
  REQUIRE(version);
  CHECK(version->product_version == huge);
}

TEST_CASE("Text that is no XML plist gives nothing", "[mac]") {
  CHECK_FALSE(parse_system_version_plist(""));
  CHECK_FALSE(parse_system_version_plist("ProductVersion=14.2\n"));
  CHECK_FALSE(parse_system_version_plist("bplist00\xd1\x01\x02"));
  CHECK_FALSE(parse_system_version_plist("<html><body>14.2</body></html>"));
  CHECK_FALSE(parse_system_version_plist("<plist><dict><key>ProductVersion</key>"));
  CHECK_FALSE(parse_system_version_plist("<plist><dict></plist></dict>"));
  CHECK_FALSE(parse_system_version_plist("<plist><dict/></plist><plist><dict/></plist>"));
  CHECK_FALSE(parse_system_version_plist("<plist><dict><key>A</key><string>unterminated"));
}
