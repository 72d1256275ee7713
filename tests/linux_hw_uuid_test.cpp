#include <grp.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "failure.h"
#include "files.h"
#include "linux_test_nodes.h"
#include "temp_dir.h"

namespace fs = std::filesystem;
using pulse::HardwareUuid;
using pulse::read_hw_uuid;
using pulse::metadata_test::denying;
using pulse::metadata_test::fixture;
using pulse::metadata_test::fixture_node;

namespace {

constexpr const char* dmi_uuid = "4c4c4544-0042-3510-8052-b4c04f395a31";
constexpr const char* machine_uuid = "5b0e4a2f-8c3d-4e1f-a6b7-c8d9e0f1a2b3";
constexpr const char* dmi_path = "/sys/class/dmi/id/product_uuid";

using pulse::test::TempDir;

std::optional<std::string> kept_in(const fs::path& state_dir) {
  return pulse::read_file_if_exists(state_dir / "hw_uuid");
}

}  // namespace

TEST_CASE("hw_uuid comes from DMI in lowercase and is kept in the state directory", "[hw_uuid]") {
  TempDir temp{"pulse-hw-uuid-test"};
  fs::path state_dir = temp / "state/nested";
  HardwareUuid uuid = read_hw_uuid(fixture_node("hw-uuid-dmi"), false, state_dir);
  CHECK(uuid.uuid == dmi_uuid);
  CHECK(uuid.source == "dmi");
  CHECK_FALSE(uuid.warning);
  CHECK(kept_in(state_dir) == std::string(dmi_uuid) + "\n");
  struct stat kept {};
  REQUIRE(::stat((state_dir / "hw_uuid").c_str(), &kept) == 0);
  CHECK((kept.st_mode & 07777) == 0644);
}

TEST_CASE("hw_uuid leaves a kept file with the same uuid alone", "[hw_uuid]") {
  TempDir temp{"pulse-hw-uuid-test"};
  fs::path state_dir = temp / "state";
  read_hw_uuid(fixture_node("hw-uuid-dmi"), false, state_dir);
  struct stat before {};
  REQUIRE(::stat((state_dir / "hw_uuid").c_str(), &before) == 0);
  read_hw_uuid(fixture_node("hw-uuid-dmi"), false, state_dir);
  struct stat after {};
  REQUIRE(::stat((state_dir / "hw_uuid").c_str(), &after) == 0);
  CHECK(after.st_ino == before.st_ino);
}

TEST_CASE("hw_uuid from DMI does not depend on keeping it", "[hw_uuid]") {
  TempDir temp{"pulse-hw-uuid-test"};
  std::ofstream(temp / "file") << "not a directory\n";
  HardwareUuid uuid = read_hw_uuid(fixture_node("hw-uuid-dmi"), false, temp / "file/state");
  CHECK(uuid.uuid == dmi_uuid);
  CHECK(uuid.source == "dmi");
}

TEST_CASE("hw_uuid passes over placeholder DMI uuids to /etc/machine-id", "[hw_uuid]") {
  TempDir temp{"pulse-hw-uuid-test"};
  auto name = GENERATE("hw-uuid-dmi-zero", "hw-uuid-dmi-ones");
  INFO(name);
  HardwareUuid uuid = read_hw_uuid(fixture_node(name), false, temp / "state");
  CHECK(uuid.uuid == machine_uuid);
  CHECK(uuid.source == "/etc/machine-id");
  CHECK_FALSE(uuid.warning);
  CHECK_FALSE(fs::exists(temp / "state"));
}

TEST_CASE("hw_uuid in a container ignores the host's DMI", "[hw_uuid]") {
  pulse::LinuxNode node = fixture_node("hw-uuid-container");
  pulse::PlatformFacts platform = pulse::detect_platform(node, "6.1.0");
  REQUIRE(platform.container);
  HardwareUuid uuid = read_hw_uuid(node, platform.container, {});
  CHECK(uuid.uuid == machine_uuid);
  CHECK(uuid.source == "/etc/machine-id");
}

TEST_CASE("hw_uuid falls back to dbus's machine-id", "[hw_uuid]") {
  HardwareUuid uuid = read_hw_uuid(fixture_node("hw-uuid-dbus"), false, {});
  CHECK(uuid.uuid == "9f86d081-884c-7d65-9a2f-eaa0c55ad015");
  CHECK(uuid.source == "/var/lib/dbus/machine-id");
}

TEST_CASE("hw_uuid of an unprivileged run is the one root kept", "[hw_uuid]") {
  fs::path state_dir = fixture("hw-uuid-kept") / "state";
  HardwareUuid uuid =
      read_hw_uuid(denying(fixture_node("hw-uuid-kept"), dmi_path), false, state_dir);
  CHECK(uuid.uuid == dmi_uuid);
  CHECK(uuid.source == "dmi (kept in " + (state_dir / "hw_uuid").string() + ")");
  CHECK_FALSE(uuid.warning);
}

TEST_CASE("hw_uuid of an unprivileged run without a kept uuid warns", "[hw_uuid]") {
  using Catch::Matchers::Contains;
  TempDir temp{"pulse-hw-uuid-test"};
  fs::path state_dir = temp / "state";
  SECTION("and says where root would keep it") {
    HardwareUuid uuid =
        read_hw_uuid(denying(fixture_node("hw-uuid-dmi"), dmi_path), false, state_dir);
    CHECK(uuid.uuid == machine_uuid);
    CHECK(uuid.source == "/etc/machine-id");
    REQUIRE(uuid.warning);
    CHECK_THAT(*uuid.warning, Contains("differs from the one root reports") &&
                                  Contains("'" + (state_dir / "hw_uuid").string() + "'") &&
                                  Contains("read access to /sys/class/dmi/id/product_uuid"));
    CHECK_FALSE(fs::exists(state_dir));
  }
  SECTION("and ignores a kept file that holds no uuid") {
    pulse::create_directories(state_dir, 0755);
    std::ofstream(state_dir / "hw_uuid") << "garbage\n";
    HardwareUuid uuid =
        read_hw_uuid(denying(fixture_node("hw-uuid-dmi"), dmi_path), false, state_dir);
    CHECK(uuid.source == "/etc/machine-id");
    CHECK(uuid.warning);
  }
  SECTION("and follows no symlink at the kept file") {
    pulse::create_directories(state_dir, 0755);
    std::ofstream(temp / "victim") << dmi_uuid << "\n";
    fs::create_symlink(temp / "victim", state_dir / "hw_uuid");
    HardwareUuid uuid =
        read_hw_uuid(denying(fixture_node("hw-uuid-dmi"), dmi_path), false, state_dir);
    CHECK(uuid.source == "/etc/machine-id");
  }
  SECTION("and reads no endless file there") {
    pulse::create_directories(state_dir, 0755);
    fs::create_symlink("/dev/zero", state_dir / "hw_uuid");
    HardwareUuid uuid =
        read_hw_uuid(denying(fixture_node("hw-uuid-dmi"), dmi_path), false, state_dir);
    CHECK(uuid.source == "/etc/machine-id");
  }
  SECTION("and trusts no kept file in a directory others can write") {
    pulse::create_directories(state_dir, 0755);
    std::ofstream(state_dir / "hw_uuid") << dmi_uuid << "\n";
    fs::permissions(state_dir, fs::perms::group_write, fs::perm_options::add);
    HardwareUuid uuid =
        read_hw_uuid(denying(fixture_node("hw-uuid-dmi"), dmi_path), false, state_dir);
    CHECK(uuid.source == "/etc/machine-id");
  }
  SECTION("and without a state directory only suggests read access") {
    HardwareUuid uuid = read_hw_uuid(denying(fixture_node("hw-uuid-dmi"), dmi_path), false, {});
    REQUIRE(uuid.warning);
    CHECK_THAT(*uuid.warning,
               !Contains("run pharos-pulse once as root") && Contains("read access"));
  }
}

TEST_CASE("hw_uuid without any source is a setup problem the operator can fix", "[hw_uuid]") {
  try {
    read_hw_uuid(fixture_node("hw-uuid-none"), false, {});
    FAIL("no failure");
  } catch (const pulse::Failure& failure) {
    CHECK(failure.code() == pulse::ExitCode::configuration);
    CHECK(std::string(failure.what()).starts_with("cannot determine a hardware uuid: "));
  }
}

namespace {

// A setting of the shipped systemd unit, e.g. "StateDirectoryMode" → "0755".
std::string unit_setting(const std::string& name) {
  std::ifstream unit(fs::path(PULSE_TEST_DATA) / "../../examples/systemd/pharos-pulse.service");
  for (std::string line; std::getline(unit, line);) {
    if (line.starts_with(name + "=")) return line.substr(name.size() + 1);
  }
  FAIL("the unit has no " + name);
  return "";
}

// The hw_uuid source an unprivileged run (uid nobody) reports: the same
// collector in a child process that gave up root.
std::string source_for_nobody(const fs::path& state_dir) {
  int out[2];
  REQUIRE(::pipe(out) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::close(out[0]);
    if (::setgroups(0, nullptr) != 0 || ::setgid(65534) != 0 || ::setuid(65534) != 0) _exit(1);
    const std::string source =
        read_hw_uuid(denying(fixture_node("hw-uuid-dmi"), dmi_path), false, state_dir).source;
    _exit(::write(out[1], source.data(), source.size()) == static_cast<ssize_t>(source.size())
              ? 0
              : 1);
  }
  ::close(out[1]);
  std::string source;
  char buffer[256];
  for (ssize_t got; (got = ::read(out[0], buffer, sizeof buffer)) > 0;) source.append(buffer, got);
  ::close(out[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  CHECK(WIFEXITED(status));
  return source;
}

}  // namespace

// Contract §3 under the shipped unit: root (the service) keeps the DMI uuid
// in a state directory made with the unit's StateDirectoryMode and UMask,
// and a run without root reads it from there.
TEST_CASE("hw_uuid kept by the service is read by unprivileged runs under the unit's modes",
          "[hw_uuid]") {
  if (::geteuid() != 0) return;  // giving up root needs root
  TempDir temp{"pulse-hw-uuid-test"};
  REQUIRE(::chmod(temp.path().c_str(), 0755) == 0);
  const fs::path state_dir = temp / "pharos-pulse";
  const auto mode = static_cast<mode_t>(std::stoul(unit_setting("StateDirectoryMode"), nullptr, 8));
  REQUIRE(::mkdir(state_dir.c_str(), mode) == 0);
  REQUIRE(::chmod(state_dir.c_str(), mode) == 0);
  const mode_t old_umask =
      ::umask(static_cast<mode_t>(std::stoul(unit_setting("UMask"), nullptr, 8)));
  CHECK(read_hw_uuid(fixture_node("hw-uuid-dmi"), false, state_dir).source == "dmi");
  ::umask(old_umask);

  CHECK(source_for_nobody(state_dir) == "dmi (kept in " + (state_dir / "hw_uuid").string() + ")");
}
