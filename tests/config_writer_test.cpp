#include "config_writer.h"

#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

#include "failure.h"
#include "settings.h"
#include "temp_dir.h"
#include "toml_document.h"

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

TEST_CASE("config_writer: a new config file is 0640 for group pharos where it exists, else 0600",
          "[config_writer]") {
  TempDir dir{"pulse-config-writer-test"};
  const fs::path file = dir / "made/pulse.toml";
  const mode_t old_umask = ::umask(077);
  update_config_file(file, full_update());
  ::umask(old_umask);

  struct stat status {};
  REQUIRE(::stat(file.c_str(), &status) == 0);
  // The machine running the tests may or may not have the group.
  const struct group* pharos = ::getgrnam("pharos");
  if (pharos != nullptr && ::geteuid() == 0) {
    CHECK((status.st_mode & 07777) == 0640);
    CHECK(status.st_gid == pharos->gr_gid);
  } else {
    CHECK((status.st_mode & 07777) == 0600);
  }
  REQUIRE(::stat(file.parent_path().c_str(), &status) == 0);
  // mkdir honours the umask; what matters is that nothing wider than 0755 is made.
  CHECK((status.st_mode & 07777 & ~0755) == 0);
  // No temp file is left beside it.
  CHECK(std::distance(fs::directory_iterator(file.parent_path()), fs::directory_iterator()) == 1);
}

TEST_CASE("config_writer: the mode and owner of the config file", "[config_writer]") {
  using pulse::config_file_access;
  const pulse::FileOwner pharos{0, 995};
  const pulse::FileAccess existing{0644, {1000, 1001}};
  SECTION("a new file is 0640 for group pharos, else 0600 for the writer") {
    CHECK(config_file_access(std::nullopt, pharos, false).mode == 0640);
    CHECK(config_file_access(std::nullopt, pharos, false).owner->group == 995);
    CHECK(config_file_access(std::nullopt, std::nullopt, false).mode == 0600);
    CHECK_FALSE(config_file_access(std::nullopt, std::nullopt, false).owner);
  }
  SECTION("an existing file keeps its mode, owner and group") {
    const pulse::ConfigAccess kept = config_file_access(existing, pharos, false);
    CHECK(kept.mode == 0644);
    CHECK(kept.owner->user == 1000);
    CHECK(kept.owner->group == 1001);
  }
  SECTION("credentials make it 0600") {
    CHECK(config_file_access(std::nullopt, pharos, true).mode == 0600);
    CHECK(config_file_access(existing, pharos, true).mode == 0600);
    CHECK(config_file_access(pulse::FileAccess{0400, {0, 0}}, pharos, true).mode == 0400);
    CHECK(config_file_access(existing, pharos, true).owner->group == 1001);
  }
}

TEST_CASE("config_writer: which URLs carry credentials", "[config_writer]") {
  CHECK(pulse::url_has_credentials("http://user:s3cret@proxy.example:3128"));
  CHECK(pulse::url_has_credentials("http://token@proxy.example:3128/"));
  CHECK_FALSE(pulse::url_has_credentials("http://proxy.example:3128"));
  CHECK_FALSE(pulse::url_has_credentials("https://hub.example/p@th?a=b@c"));
  CHECK_FALSE(pulse::url_has_credentials("proxy.example:3128"));
}

// Every value the server may send goes through the real loader: the raw
// characters would be refused there (toml_document.h).
TEST_CASE("config_writer: non-ASCII from the server is written as \\uXXXX and reads back",
          "[config_writer]") {
  TempDir dir{"pulse-config-writer-test"};
  const fs::path file = dir / "pulse.toml";
  ConfigUpdate update = full_update();
  update.node_id = "n\xc5\x93" "ud-\xc3\xa9 \xe2\x80\x83\xf0\x9f\x98\x80\u3000";
  update.pinned_pubkey = "sha256//\xc3\xa9" "t\xc3\xa9";
  update.heartbeat_interval = "1h\xe2\x80\x83";
  update.server_url = "https://h\xc3\xbc" "b.example/\xc3\xa9";
  update_config_file(file, update);

  const std::string text = read_text(file);
  CHECK(std::all_of(text.begin(), text.end(), [](char c) { return (c & 0x80) == 0; }));
  CHECK(text.find("\\u0153") != std::string::npos);
  const toml::table document = pulse::parse_toml_document(text, file);
  CHECK(document["identity"]["node_id"].value<std::string>() == update.node_id);
  CHECK(document["server"]["pinned_pubkey"].value<std::string>() == update.pinned_pubkey);
  CHECK(document["heartbeat"]["interval"].value<std::string>() == update.heartbeat_interval);
  CHECK(document["server"]["url"].value<std::string>() == update.server_url);

  // The loader also checks durations and pins, which these are not.
  update.heartbeat_interval = "90s";
  update.pinned_pubkey = full_update().pinned_pubkey;
  update_config_file(file, update);
  CHECK(load(file).node_id == *update.node_id);
}

TEST_CASE("config_writer: a symlinked config file is followed and its target replaced",
          "[config_writer]") {
  TempDir dir{"pulse-config-writer-test"};
  fs::create_directories(dir / "real");
  write_text(dir / "real/pulse.toml", "[spool]\nmax_events = 7\n");
  fs::permissions(dir / "real/pulse.toml", fs::perms(0640));
  fs::create_symlink("real/pulse.toml", dir / "link.toml");
  fs::create_symlink(dir / "link.toml", dir / "pulse.toml");
  update_config_file(dir / "pulse.toml", full_update());
  CHECK(fs::is_symlink(dir / "pulse.toml"));
  CHECK(fs::is_symlink(dir / "link.toml"));
  CHECK(load(dir / "real/pulse.toml").spool_max_events == 7);
  CHECK(load(dir / "real/pulse.toml").node_id == "node-\"42\"");
  CHECK(fs::status(dir / "real/pulse.toml").permissions() == fs::perms(0640));
}

TEST_CASE("config_writer: an existing file keeps its owner and group, credentials make it 0600",
          "[config_writer]") {
  if (::geteuid() != 0) return;  // only root can give a file away
  TempDir dir{"pulse-config-writer-test"};
  const fs::path file = dir / "pulse.toml";
  write_text(file, "[server]\nproxy = \"http://proxy.example:3128\"\n");
  REQUIRE(::chown(file.c_str(), 65534, 65534) == 0);
  REQUIRE(::chmod(file.c_str(), 0644) == 0);
  update_config_file(file, full_update());
  struct stat status {};
  REQUIRE(::stat(file.c_str(), &status) == 0);
  CHECK(status.st_uid == 65534);
  CHECK(status.st_gid == 65534);
  CHECK((status.st_mode & 07777) == 0644);

  write_text(file, "[server]\nproxy = \"http://user:s3cret@proxy.example:3128\"\n");
  update_config_file(file, full_update());
  REQUIRE(::stat(file.c_str(), &status) == 0);
  CHECK(status.st_uid == 65534);
  CHECK((status.st_mode & 07777) == 0600);
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
