#include "platform/posix_host.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <string>

namespace {

// What the Linux kernel itself says, the peer the system calls must agree with.
std::string proc_kernel_value(const std::string& name) {
  std::ifstream file("/proc/sys/kernel/" + name);
  std::string value;
  std::getline(file, value);
  return value;
}

}  // namespace

TEST_CASE("posix host: the system calls give what /proc/sys/kernel says") {
  const std::string hostname = proc_kernel_value("hostname");
  const std::string release = proc_kernel_value("osrelease");
  REQUIRE_FALSE(hostname.empty());
  REQUIRE_FALSE(release.empty());
  CHECK(pulse::system_hostname() == hostname);
  CHECK(pulse::system_kernel_release() == release);
}
