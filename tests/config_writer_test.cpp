#include "config_writer.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

#include "failure.h"
#include "settings.h"
#include "temp_dir.h"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using pulse::ConfigUpdate;
using pulse::ExitCode;
using pulse::Failure;
using pulse::update_config_file;

namespace {

using pulse::test::TempDir;

void write_text(const fs::path& file, const std::string& text) { std::ofstream(file) << text; }

std::string read_text(const fs::path& file) {
  std::ifstream in(file);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The file as the agent reads it, with nothing from the environment.
pulse::Settings load(const fs::path& file) {
  pulse::SettingFlags flags;
  flags.config_file = file;
  return pulse::load_settings(flags, [](std::string_view) { return std::nullopt; });
}

ConfigUpdate full_update() {
  ConfigUpdate update;
  update.server_url = "https://hub.example.net:8443/pharos";
  update.ca_file = "/etc/pharos/it's ca.pem";
  update.pinned_pubkey = "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
  update.key_file = "/etc/pharos/pulse_id";
  update.node_id = "node-\"42\"";
  update.heartbeat_interval = "1h30m";
  return update;
}

}  // namespace

TEST_CASE("config_writer: a new config file loads back with every key set", "[config_writer]") {
  TempDir dir{"pulse-config-writer-test"};
  const fs::path file = dir / "etc/pharos/pulse.toml";
  update_config_file(file, full_update());

  const pulse::Settings settings = load(file);
  CHECK(settings.server_url == "https://hub.example.net:8443/pharos");
  CHECK(settings.ca_file == "/etc/pharos/it's ca.pem");
  CHECK(settings.pinned_pubkey == "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
  CHECK(settings.key_file == "/etc/pharos/pulse_id");
  CHECK(settings.node_id == "node-\"42\"");
  CHECK(settings.heartbeat_interval == 90min);
}

TEST_CASE("config_writer: the config file is written with mode 0644 in a directory made 0755",
          "[config_writer]") {
  TempDir dir{"pulse-config-writer-test"};
  const fs::path file = dir / "made/pulse.toml";
  const mode_t old_umask = ::umask(077);
  update_config_file(file, full_update());
  ::umask(old_umask);

  struct stat status {};
  REQUIRE(::stat(file.c_str(), &status) == 0);
  CHECK((status.st_mode & 07777) == 0644);
  REQUIRE(::stat(file.parent_path().c_str(), &status) == 0);
  // mkdir honours the umask; what matters is that nothing wider than 0755 is made.
  CHECK((status.st_mode & 07777 & ~0755) == 0);
  // No temp file is left beside it.
  CHECK(std::distance(fs::directory_iterator(file.parent_path()), fs::directory_iterator()) == 1);
}

TEST_CASE("config_writer: every other setting in the file is kept", "[config_writer]") {
  TempDir dir{"pulse-config-writer-test"};
  const fs::path file = dir / "pulse.toml";
  write_text(file,
             "[server]\nurl = \"https://old.example.net\"\ntimeout = \"3s\"\n"
             "proxy = \"http://proxy:3128\"\n"
             "[identity]\nhostname = \"web-01\"\nnode_id = \"old-node\"\n"
             "[heartbeat]\njitter = \"1m\"\n[state]\ndir = \"/srv/pulse\"\n"
             "[spool]\nmax_events = 7\n[metadata]\nplatform = \"kvm\"\n");
  ConfigUpdate update;
  update.server_url = "https://new.example.net";
  update.key_file = "/srv/pulse_id";
  update_config_file(file, update);

  const pulse::Settings settings = load(file);
  CHECK(settings.server_url == "https://new.example.net");
  CHECK(settings.key_file == "/srv/pulse_id");
  CHECK(settings.timeout == 3s);
  CHECK(settings.proxy == "http://proxy:3128");
  CHECK(settings.hostname == "web-01");
  CHECK(settings.node_id == "old-node");  // not in the update: left alone
  CHECK(settings.heartbeat_jitter == 1min);
  CHECK(settings.state_dir == "/srv/pulse");
  CHECK(settings.spool_max_events == 7);
  CHECK(settings.platform == "kvm");
}

TEST_CASE("config_writer: a malformed config file is refused and left as it is",
          "[config_writer]") {
  TempDir dir{"pulse-config-writer-test"};
  const fs::path file = dir / "pulse.toml";
  write_text(file, "[server\nurl = 1\n");
  try {
    update_config_file(file, full_update());
    FAIL("no failure");
  } catch (const Failure& failure) {
    CHECK(failure.code() == ExitCode::configuration);
    CHECK_THAT(failure.what(), Catch::Matchers::StartsWith(file.string() + ":1:"));
  }
  CHECK(read_text(file) == "[server\nurl = 1\n");
}

TEST_CASE("config_writer: a config file that cannot be written is a cant_create failure",
          "[config_writer]") {
  // procfs refuses new files, even to root.
  const fs::path file = "/proc/pulse-config-writer-test.toml";
  try {
    update_config_file(file, full_update());
    FAIL("no failure");
  } catch (const Failure& failure) {
    CHECK(failure.code() == ExitCode::cant_create);
    CHECK_THAT(failure.what(), Catch::Matchers::Contains("/proc/"));
  }
}

TEST_CASE("config_writer: check_config_writable looks at the nearest directory that exists",
          "[config_writer]") {
  TempDir dir{"pulse-config-writer-test"};
  CHECK_NOTHROW(pulse::check_config_writable(dir / "pulse.toml"));
  CHECK_NOTHROW(pulse::check_config_writable(dir / "not/yet/made/pulse.toml"));
  CHECK_FALSE(fs::exists(dir / "not"));

  // Root may write anywhere; the refusal can only be seen unprivileged.
  if (::geteuid() != 0) {
    fs::permissions(dir.path(), fs::perms::owner_read | fs::perms::owner_exec);
    CHECK_THROWS_AS(pulse::check_config_writable(dir / "pulse.toml"), Failure);
  }
}
