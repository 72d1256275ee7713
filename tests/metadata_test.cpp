#include "metadata.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <climits>
#include <fstream>

namespace fs = std::filesystem;
using pulse::collect_metadata;
using pulse::Metadata;
using pulse::MetadataOptions;

namespace {

MetadataOptions fixture_options(const std::string& name) {
  MetadataOptions options;
  options.root = fs::path(PULSE_TEST_DATA) / "metadata" / name;
  return options;
}

// PRETTY_NAME read without the project's parser, for distributions that
// quote it plainly.
std::optional<std::string> system_pretty_name() {
  for (const char* path : {"/etc/os-release", "/usr/lib/os-release"}) {
    std::ifstream file(path);
    if (!file) continue;
    std::string line;
    while (std::getline(file, line)) {
      if (!line.starts_with("PRETTY_NAME=")) continue;
      std::string value = line.substr(line.find('=') + 1);
      if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'')) {
        value = value.substr(1, value.size() - 2);
      }
      return value;
    }
    return std::nullopt;
  }
  return std::nullopt;
}

bool is_canonical_uuid(const std::string& text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    bool hex = (text[i] >= '0' && text[i] <= '9') || (text[i] >= 'a' && text[i] <= 'f');
    if (dash ? text[i] != '-' : !hex) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("metadata of a node is collected below its root", "[metadata]") {
  Metadata metadata = collect_metadata(fixture_options("bare-metal"));
  CHECK(metadata.hw_uuid == "4c4c4544-0042-3510-8052-b4c04f395a31");
  CHECK(metadata.hw_uuid_source == "dmi");
  CHECK(metadata.hostname == "rack7-node3");
  CHECK(metadata.os_family == "linux");
  CHECK(metadata.os_version == "Debian GNU/Linux 12 (bookworm)");
  CHECK(metadata.kernel_version == "6.1.0-18-amd64");
  CHECK(metadata.platform == "bare-metal");
  CHECK(metadata.warnings.empty());
}

TEST_CASE("metadata in a container takes the machine-id", "[metadata]") {
  Metadata metadata = collect_metadata(fixture_options("hw-uuid-container"));
  CHECK(metadata.platform == "docker");
  CHECK(metadata.hw_uuid == "5b0e4a2f-8c3d-4e1f-a6b7-c8d9e0f1a2b3");
  CHECK(metadata.hw_uuid_source == "/etc/machine-id");
}

TEST_CASE("metadata overrides replace hostname and platform", "[metadata]") {
  MetadataOptions options = fixture_options("bare-metal");
  options.hostname_override = "db-primary";
  options.platform_override = "proxmox-lxc";
  Metadata metadata = collect_metadata(options);
  CHECK(metadata.hostname == "db-primary");
  CHECK(metadata.platform == "proxmox-lxc");
}

TEST_CASE("metadata string fields are cut at 1 KiB with a warning", "[metadata]") {
  MetadataOptions options = fixture_options("bare-metal");
  options.hostname_override = std::string(1023, 'h') + "\xc3\xa9" + std::string(3000, 'x');
  Metadata metadata = collect_metadata(options);
  // Not inside the two bytes of the U+00E9.
  CHECK(metadata.hostname == std::string(1023, 'h'));
  REQUIRE(metadata.warnings.size() == 1);
  CHECK(metadata.warnings[0] == "hostname is 4025 bytes long; sent cut to its first 1023");

  options.hostname_override = std::string(1024, 'h');
  CHECK(collect_metadata(options).hostname == std::string(1024, 'h'));
  CHECK(collect_metadata(options).warnings.empty());
}

TEST_CASE("metadata platform override \"auto\" keeps detection", "[metadata]") {
  MetadataOptions options = fixture_options("bare-metal");
  options.platform_override = "auto";
  CHECK(collect_metadata(options).platform == "bare-metal");
}

TEST_CASE("known platforms are exactly the contract's", "[metadata]") {
  for (const char* platform :
       {"bare-metal", "proxmox-lxc", "lxc", "docker", "podman", "kubernetes", "wsl", "kvm", "qemu",
        "vmware", "hyperv", "xen", "virtualbox", "vm"}) {
    INFO(platform);
    CHECK(pulse::is_known_platform(platform));
  }
  for (const char* platform : {"", "auto", "Docker", "bare metal", "container", "vm "}) {
    INFO(platform);
    CHECK_FALSE(pulse::is_known_platform(platform));
  }
}

TEST_CASE("metadata of the running system agrees with the system", "[metadata]") {
  Metadata metadata = collect_metadata(MetadataOptions{});

  char hostname[HOST_NAME_MAX + 1] = {};
  REQUIRE(::gethostname(hostname, sizeof hostname - 1) == 0);
  CHECK(metadata.hostname == hostname);

  utsname names{};
  REQUIRE(::uname(&names) == 0);
  CHECK(metadata.kernel_version == names.release);

  if (std::optional<std::string> pretty_name = system_pretty_name()) {
    CHECK(metadata.os_version == *pretty_name);
  }

  CHECK(metadata.os_family == "linux");
  CHECK(is_canonical_uuid(metadata.hw_uuid));
  CHECK_FALSE(metadata.hw_uuid_source.empty());
  CHECK(pulse::is_known_platform(metadata.platform));
  for (const std::string& address : metadata.local_ips) {
    INFO(address);
    CHECK(address != "127.0.0.1");
    CHECK(address != "::1");
    CHECK_FALSE(address.starts_with("fe80:"));
  }
}
