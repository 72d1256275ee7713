#include "platform/mac_inventory.h"

#include <catch2/catch.hpp>

#include "fake_sysctl.h"

using pulse::mac_inventory;
using pulse::SystemVersion;

TEST_CASE("A Mac's inventory comes from sysctl, the system version and IOKit", "[mac]") {
  FakeSysctl sysctl;
  sysctl.texts["machdep.cpu.brand_string"] = "Apple M1 Pro";
  sysctl.texts["hw.model"] = "MacBookPro18,3";
  sysctl.numbers["hw.logicalcpu"] = 10;
  sysctl.numbers["hw.memsize"] = 17179869184;
  auto inventory =
      mac_inventory(sysctl, SystemVersion{"macOS", "14.2", "23C64"}, std::string("C02XL0GHJGH5"));
  CHECK(inventory.os_name == "macOS");
  CHECK(inventory.os_version == "14.2");
  CHECK(inventory.cpu_brand == "Apple M1 Pro");
  CHECK(inventory.cpu_cores == 10u);
  CHECK(inventory.mem_total_kb == 16777216u);
  CHECK(inventory.manufacturer == "Apple Inc.");
  CHECK(inventory.product_name == "MacBookPro18,3");
  CHECK(inventory.serial_number == "C02XL0GHJGH5");
}

TEST_CASE("What a Mac cannot tell is left out of its inventory", "[mac]") {
  auto inventory = mac_inventory(FakeSysctl{}, SystemVersion{"macOS", "", "23C64"}, std::nullopt);
  CHECK(inventory.os_name == "macOS");
  CHECK_FALSE(inventory.os_version);
  CHECK_FALSE(inventory.cpu_brand);
  CHECK_FALSE(inventory.cpu_cores);
  CHECK_FALSE(inventory.mem_total_kb);
  CHECK_FALSE(inventory.product_name);
  CHECK_FALSE(inventory.serial_number);
  CHECK_FALSE(mac_inventory(FakeSysctl{}, std::nullopt, std::nullopt).os_version);
}

TEST_CASE("A Mac's inventory goes through the same cleaning as any other", "[mac]") {
  FakeSysctl sysctl;
  sysctl.texts["hw.model"] = "  VMware7,1 \n";
  sysctl.numbers["hw.logicalcpu"] = 0;
  auto inventory = pulse::cleaned(mac_inventory(sysctl, std::nullopt, std::string("0")));
  CHECK(inventory.product_name == "VMware7,1");
  CHECK_FALSE(inventory.cpu_cores);
  CHECK_FALSE(inventory.serial_number);
}
