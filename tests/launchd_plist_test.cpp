#include "platform/launchd_plist.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "platform/system_version_plist.h"

using pulse::kLaunchdDefaultArguments;
using pulse::launchd_plist;

TEST_CASE("The launchd example is the plist service install writes", "[launchd]") {
  std::ifstream file(std::string(PULSE_TEST_DATA) +
                     "/../../examples/launchd/net.pharos.pulse.plist");
  REQUIRE(file);
  std::ostringstream text;
  text << file.rdbuf();
  CHECK(text.str() == launchd_plist(kLaunchdDefaultArguments));
}

TEST_CASE("The launchd plist lists each argument once, escaped for XML", "[launchd]") {
  const std::string plist =
      launchd_plist({"/opt/a&b/pharos-pulse", "run", "--config", "/etc/<x>.toml"});
  CHECK(plist.find("<string>/opt/a&amp;b/pharos-pulse</string>\n"
                   "    <string>run</string>\n"
                   "    <string>--config</string>\n"
                   "    <string>/etc/&lt;x&gt;.toml</string>\n  </array>") != std::string::npos);
  CHECK(plist.find("a&b") == std::string::npos);
}

TEST_CASE("The launchd plist is a plist this project's own parser reads", "[launchd]") {
  CHECK(pulse::parse_system_version_plist(launchd_plist(kLaunchdDefaultArguments)));
}
