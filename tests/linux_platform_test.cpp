#include <catch2/catch.hpp>
#include <cstdlib>

#include "linux_test_nodes.h"
#include "metadata.h"

using pulse::detect_platform;
using pulse::LinuxNode;
using pulse::PlatformFacts;
using pulse::metadata_test::denying;
using pulse::metadata_test::fixture_node;

namespace {

PlatformFacts detect(const LinuxNode& node) {
  return detect_platform(node, pulse::read_kernel_release(node));
}

}  // namespace

TEST_CASE("each platform is told from its fixture node", "[linux_platform]") {
  auto [name, platform, container] = GENERATE(table<const char*, const char*, bool>({
      {"bare-metal", "bare-metal", false},
      {"proxmox-lxc", "proxmox-lxc", true},
      {"proxmox-lxc-resolv", "proxmox-lxc", true},
      {"lxc", "lxc", true},
      {"lxc-systemd", "lxc", true},
      {"docker", "docker", true},
      {"podman", "podman", true},
      {"kubernetes", "kubernetes", true},
      {"wsl", "wsl", false},
      {"kvm", "kvm", false},
      {"kvm-rhev", "kvm", false},
      {"qemu", "qemu", false},
      {"vmware", "vmware", false},
      {"hyperv", "hyperv", false},
      {"surface", "bare-metal", false},
      {"xen", "xen", false},
      {"xen-hvm", "xen", false},
      {"xen-dom0", "bare-metal", false},
      {"virtualbox", "virtualbox", false},
      {"vm", "vm", false},
  }));
  INFO(name);
  PlatformFacts facts = detect(fixture_node(name));
  CHECK(facts.platform == platform);
  CHECK(facts.container == container);
  CHECK(pulse::is_known_platform(facts.platform));
}

TEST_CASE("KUBERNETES_SERVICE_HOST in the environment means kubernetes", "[linux_platform]") {
  LinuxNode node = fixture_node("bare-metal");
  node.environment = [](const std::string& name) -> std::optional<std::string> {
    if (name == "KUBERNETES_SERVICE_HOST") return "10.96.0.1";
    return std::nullopt;
  };
  CHECK(detect(node).platform == "kubernetes");
}

TEST_CASE("an unreadable /proc/1/environ tells nothing and fails nothing", "[linux_platform]") {
  CHECK(detect(denying(fixture_node("bare-metal"), "/proc/1/environ")).platform == "bare-metal");
  CHECK(detect(denying(fixture_node("lxc-systemd"), "/proc/1/environ")).platform == "lxc");
}

TEST_CASE("a container kind the contract has no value for is still a container",
          "[linux_platform]") {
  LinuxNode node = fixture_node("bare-metal");
  node.read_file =
      [inner = node.read_file](const std::filesystem::path& path) -> std::optional<std::string> {
    if (path == "/proc/1/environ") return std::string("container=systemd-nspawn\0TERM=linux\0", 36);
    return inner(path);
  };
  PlatformFacts facts = detect(node);
  CHECK(facts.platform == "bare-metal");
  CHECK(facts.container);
}

TEST_CASE("a fixture root does not see the agent's own environment", "[linux_platform]") {
  REQUIRE(::setenv("PULSE_METADATA_TEST", "set", 1) == 0);
  CHECK_FALSE(fixture_node("bare-metal").environment("PULSE_METADATA_TEST"));
  CHECK(pulse::node_below("/").environment("PULSE_METADATA_TEST") == "set");
  ::unsetenv("PULSE_METADATA_TEST");
}
