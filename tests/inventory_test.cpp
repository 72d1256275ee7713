#include "inventory.h"

#include <catch2/catch.hpp>

using pulse::Inventory;

TEST_CASE("inventory: every firmware placeholder of the contract is one", "[inventory]") {
  for (const char* text :
       {"To Be Filled By O.E.M.", "to be filled by o.e.m.", "Default string", "DEFAULT STRING",
        "System Serial Number", "System Product Name", "System manufacturer", "Not Specified",
        "Not Applicable", "None", " none\n", "0", "00000000", "FFFFFFFF", "ffff-ffff",
        "00:00:00:00:00:00", "0000 0000", "FF.FF"}) {
    INFO('"' << text << '"');
    CHECK(pulse::is_firmware_placeholder(text));
  }
  for (const char* text : {"Dell Inc.", "7XK9Q53", "0F1A", "PowerEdge R650", "Nonesuch", "10",
                           "System", "FF1"}) {
    INFO('"' << text << '"');
    CHECK_FALSE(pulse::is_firmware_placeholder(text));
  }
}

TEST_CASE("inventory: values are trimmed, and empty ones and placeholders left out",
          "[inventory]") {
  Inventory raw;
  raw.os_name = "Debian GNU/Linux";
  raw.os_version = "";
  raw.cpu_brand = "Intel(R) Xeon(R) CPU E5-2620 v4 @ 2.10GHz   ";
  raw.cpu_cores = 0;
  raw.mem_total_kb = 16318480;
  raw.serial_number = "System Serial Number\n";
  raw.manufacturer = "  \n";
  raw.product_name = "PowerEdge R650\n";
  const Inventory inventory = pulse::cleaned(raw);
  CHECK(inventory.os_name == "Debian GNU/Linux");
  CHECK_FALSE(inventory.os_version);
  CHECK(inventory.cpu_brand == "Intel(R) Xeon(R) CPU E5-2620 v4 @ 2.10GHz");
  CHECK_FALSE(inventory.cpu_cores);
  CHECK(inventory.mem_total_kb == 16318480u);
  CHECK_FALSE(inventory.serial_number);
  CHECK_FALSE(inventory.manufacturer);
  CHECK(inventory.product_name == "PowerEdge R650");
  CHECK(inventory.warnings.empty());
}

TEST_CASE("inventory: a value over 1 KiB is cut there, whole characters only, with a warning",
          "[inventory]") {
  Inventory raw;
  raw.product_name = std::string(1023, 'x') + "\xc3\xa9" + std::string(500, 'y');
  raw.serial_number = std::string(1024, 's');
  const Inventory inventory = pulse::cleaned(raw);
  CHECK(*inventory.product_name == std::string(1023, 'x'));
  CHECK(*inventory.serial_number == std::string(1024, 's'));
  REQUIRE(inventory.warnings.size() == 1);
  CHECK(inventory.warnings[0] ==
        "inventory product_name is 1525 bytes long; sending its first 1024");
}
