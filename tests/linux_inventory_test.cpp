#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "files.h"
#include "linux_test_nodes.h"
#include "temp_dir.h"

namespace fs = std::filesystem;
using pulse::Inventory;
using pulse::read_linux_inventory;
using pulse::metadata_test::denying;
using pulse::test::TempDir;

namespace {

constexpr const char* serial_path = "/sys/class/dmi/id/product_serial";

pulse::LinuxNode inventory_node(const std::string& name) {
  return pulse::node_below(fs::path(PULSE_TEST_DATA) / "inventory" / name);
}

Inventory inventory_of(const std::string& name, bool container = false,
                       const fs::path& state_dir = {}) {
  return pulse::cleaned(read_linux_inventory(inventory_node(name), container, state_dir));
}

// A node below `dir` with one file in it.
void write_below(const fs::path& dir, const fs::path& path, const std::string& content) {
  fs::create_directories((dir / path.relative_path()).parent_path());
  std::ofstream(dir / path.relative_path(), std::ios::binary) << content;
}

}  // namespace

TEST_CASE("inventory of an x86 server from os-release, /proc and DMI", "[inventory]") {
  TempDir temp{"pulse-inventory-test"};
  const Inventory inventory = inventory_of("x86-server", false, temp / "state");
  CHECK(inventory.os_name == "Debian GNU/Linux");
  CHECK(inventory.os_version == "12");
  CHECK(inventory.cpu_brand == "Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz");
  CHECK(inventory.cpu_cores == 64u);
  CHECK(inventory.mem_total_kb == 263781204u);
  CHECK(inventory.manufacturer == "Dell Inc.");
  CHECK(inventory.product_name == "PowerEdge R650");
  CHECK(inventory.serial_number == "7XK9Q53");
  CHECK(inventory.warnings.empty());
}

TEST_CASE("inventory of a Raspberry Pi names its Arm core and has no DMI", "[inventory]") {
  const Inventory inventory = inventory_of("raspberry-pi-4");
  CHECK(inventory.os_name == "Debian GNU/Linux");
  CHECK(inventory.os_version == "12");
  CHECK(inventory.cpu_brand == "Cortex-A72");
  CHECK(inventory.cpu_cores == 4u);
  CHECK(inventory.mem_total_kb == 3884376u);
  CHECK_FALSE(inventory.manufacturer);
  CHECK_FALSE(inventory.product_name);
  CHECK_FALSE(inventory.serial_number);
}

TEST_CASE("inventory leaves out an Arm core it does not know and what is missing",
          "[inventory]") {
  const Inventory inventory = inventory_of("arm-unknown-core");
  CHECK_FALSE(inventory.cpu_brand);
  CHECK_FALSE(inventory.os_name);
  CHECK_FALSE(inventory.os_version);
  CHECK_FALSE(inventory.cpu_cores);
  CHECK_FALSE(inventory.mem_total_kb);
}

TEST_CASE("inventory os_version is VERSION when os-release has no VERSION_ID", "[inventory]") {
  const Inventory inventory = inventory_of("os-release-version-only");
  CHECK(inventory.os_name == "Acme Linux");
  CHECK(inventory.os_version == "2024.1 (Roadrunner)");
}

TEST_CASE("inventory in a container reports none of its host's DMI", "[inventory]") {
  TempDir temp{"pulse-inventory-test"};
  const pulse::LinuxNode node = inventory_node("container");
  REQUIRE(pulse::detect_platform(node, "6.1.0").container);
  const Inventory inventory = pulse::cleaned(read_linux_inventory(node, true, temp / "state"));
  CHECK(inventory.os_name == "Alpine Linux");
  CHECK(inventory.os_version == "3.19.1");
  CHECK_FALSE(inventory.manufacturer);
  CHECK_FALSE(inventory.product_name);
  CHECK_FALSE(inventory.serial_number);
  CHECK_FALSE(fs::exists(temp / "state"));
}

TEST_CASE("inventory leaves out every firmware placeholder in every DMI field", "[inventory]") {
  TempDir temp{"pulse-inventory-test"};
  auto name = GENERATE("placeholders-oem", "placeholders-asus", "placeholders-none",
                       "placeholders-digits");
  INFO(name);
  const Inventory inventory = inventory_of(name, false, temp / "state");
  CHECK_FALSE(inventory.manufacturer);
  CHECK_FALSE(inventory.product_name);
  CHECK_FALSE(inventory.serial_number);
  // A placeholder is never kept for unprivileged runs.
  CHECK_FALSE(fs::exists(temp / "state" / "serial_number"));
}

TEST_CASE("inventory serial number read by root is kept for unprivileged runs", "[inventory]") {
  TempDir temp{"pulse-inventory-test"};
  const fs::path state_dir = temp / "state";
  SECTION("root keeps it, world-readable, in the state directory") {
    inventory_of("x86-server", false, state_dir);
    CHECK(pulse::read_file_if_exists(state_dir / "serial_number") == "7XK9Q53\n");
    struct stat kept {};
    REQUIRE(::stat((state_dir / "serial_number").c_str(), &kept) == 0);
    CHECK((kept.st_mode & 07777) == 0644);
    const Inventory unprivileged = pulse::cleaned(
        read_linux_inventory(denying(inventory_node("x86-server"), serial_path), false, state_dir));
    CHECK(unprivileged.serial_number == "7XK9Q53");
  }
  SECTION("an unprivileged run without a kept serial leaves it out") {
    const Inventory unprivileged = pulse::cleaned(
        read_linux_inventory(denying(inventory_node("x86-server"), serial_path), false, state_dir));
    CHECK_FALSE(unprivileged.serial_number);
    CHECK(unprivileged.manufacturer == "Dell Inc.");
    CHECK_FALSE(fs::exists(state_dir));
  }
  SECTION("a container never uses a kept serial") {
    inventory_of("x86-server", false, state_dir);
    CHECK_FALSE(pulse::cleaned(read_linux_inventory(inventory_node("x86-server"), true, state_dir))
                    .serial_number);
  }
}

TEST_CASE("inventory reads at most 64 KiB of a file", "[inventory]") {
  TempDir temp{"pulse-inventory-test"};
  SECTION("a long /proc/cpuinfo is read from its start") {
    std::string cpuinfo;
    for (int cpu = 0; cpu < 512; ++cpu) {
      cpuinfo += "processor\t: " + std::to_string(cpu) +
                 "\nmodel name\t: AMD EPYC 9654 96-Core Processor\nflags\t\t: " +
                 std::string(400, 'f') + "\n\n";
    }
    REQUIRE(cpuinfo.size() > 3 * 64 * 1024);
    write_below(temp.path(), "/proc/cpuinfo", cpuinfo);
    CHECK(pulse::cleaned(read_linux_inventory(pulse::node_below(temp.path()), false, {}))
              .cpu_brand == "AMD EPYC 9654 96-Core Processor");
  }
  SECTION("what lies past 64 KiB is not read") {
    write_below(temp.path(), "/proc/meminfo",
                std::string(64 * 1024, '\n') + "MemTotal:       16318480 kB\n");
    CHECK_FALSE(read_linux_inventory(pulse::node_below(temp.path()), false, {}).mem_total_kb);
  }
}

TEST_CASE("cpuinfo: the first model name, else the Arm core's name", "[inventory]") {
  CHECK(pulse::cpu_brand_from_cpuinfo("processor\t: 0\nmodel name\t: AMD EPYC\n") == "AMD EPYC");
  // 32-bit Raspberry Pi OS names the architecture instead: the rule takes it.
  CHECK(pulse::cpu_brand_from_cpuinfo("model name\t: ARMv7 Processor rev 3 (v7l)\n"
                                      "CPU implementer\t: 0x41\nCPU part\t: 0xd08\n") ==
        "ARMv7 Processor rev 3 (v7l)");
  CHECK(pulse::cpu_brand_from_cpuinfo("CPU implementer\t: 0x41\nCPU part\t: 0xd0b\n") ==
        "Cortex-A76");
  CHECK(pulse::cpu_brand_from_cpuinfo("CPU implementer\t: 0x41\nCPU part\t: 0xd03\n") ==
        "Cortex-A53");
  CHECK_FALSE(pulse::cpu_brand_from_cpuinfo("CPU implementer\t: 0x41\nCPU part\t: 0xfff\n"));
  CHECK_FALSE(pulse::cpu_brand_from_cpuinfo("CPU implementer\t: 0x41\nCPU part\t: d08\n"));
  CHECK_FALSE(pulse::cpu_brand_from_cpuinfo("CPU part\t: 0xd08\n"));
  CHECK_FALSE(pulse::cpu_brand_from_cpuinfo("model name\t: \n"));
  CHECK_FALSE(pulse::cpu_brand_from_cpuinfo(""));
}

TEST_CASE("meminfo: MemTotal in kB", "[inventory]") {
  CHECK(pulse::mem_total_kb_from_meminfo("MemTotal:       16318480 kB\nMemFree: 1 kB\n") ==
        16318480u);
  CHECK_FALSE(pulse::mem_total_kb_from_meminfo("MemTotal:       16318480\n"));
  CHECK_FALSE(pulse::mem_total_kb_from_meminfo("MemTotal:       many kB\n"));
  CHECK_FALSE(pulse::mem_total_kb_from_meminfo("MemFree:       16318480 kB\n"));
}

TEST_CASE("cpu lists: ranges and single CPUs", "[inventory]") {
  CHECK(pulse::count_cpu_list("0\n") == 1u);
  CHECK(pulse::count_cpu_list("0-63\n") == 64u);
  CHECK(pulse::count_cpu_list("0-3,6,8-9\n") == 7u);
  CHECK_FALSE(pulse::count_cpu_list(""));
  CHECK_FALSE(pulse::count_cpu_list("3-1"));
  CHECK_FALSE(pulse::count_cpu_list("0-"));
  CHECK_FALSE(pulse::count_cpu_list("a"));
}

TEST_CASE("inventory of the running system agrees with the system", "[inventory]") {
  pulse::MetadataOptions options;
  const Inventory inventory = pulse::collect_inventory(options);
  CHECK(inventory.cpu_cores == static_cast<std::uint64_t>(::sysconf(_SC_NPROCESSORS_ONLN)));
  const std::optional<std::string> meminfo = pulse::read_file_if_exists("/proc/meminfo");
  REQUIRE(meminfo);
  CHECK(inventory.mem_total_kb == pulse::mem_total_kb_from_meminfo(*meminfo));
  REQUIRE(inventory.os_name);
}
