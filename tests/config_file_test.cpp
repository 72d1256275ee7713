#include <catch2/catch.hpp>

#include "config_file.h"
#include "failure.h"

using namespace std::chrono_literals;
using pulse::apply_config_text;
using pulse::Failure;
using pulse::Settings;

namespace {

Settings parse(const std::string& text) {
  Settings settings;
  apply_config_text(text, "pulse.toml", settings);
  return settings;
}

std::string failure_of(const std::string& text) {
  try {
    parse(text);
  } catch (const Failure& failure) {
    CHECK(failure.code() == pulse::ExitCode::configuration);
    return failure.what();
  }
  FAIL("expected a configuration error");
  return "";
}

}  // namespace

TEST_CASE("every key of the contract's example is read", "[config]") {
  Settings s = parse(R"(
[server]
url = "https://pharos.example.net:8443"
ca_file = "/etc/pharos/ca.pem"
pinned_pubkey = "sha256//47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
timeout = "10s"
proxy = "http://proxy.example.net:3128"

[identity]
key_file = "/etc/pharos/pulse_id"
hostname = "web-01"
node_id = "n-7"

[heartbeat]
interval = "60m"
jitter = "5m"
shutdown_timeout = "5s"

[state]
dir = "/var/lib/pharos-pulse"

[spool]
max_events = 1000

[metadata]
platform = "proxmox-lxc"
)");
  CHECK(s.server_url == "https://pharos.example.net:8443");
  CHECK(s.ca_file == "/etc/pharos/ca.pem");
  CHECK(s.pinned_pubkey == "sha256//47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  CHECK(s.timeout == 10s);
  CHECK(s.proxy == "http://proxy.example.net:3128");
  CHECK(s.key_file == "/etc/pharos/pulse_id");
  CHECK(s.hostname == "web-01");
  CHECK(s.node_id == "n-7");
  CHECK(s.heartbeat_interval == 60min);
  CHECK(s.heartbeat_jitter == 5min);
  CHECK(s.shutdown_timeout == 5s);
  CHECK(s.state_dir == "/var/lib/pharos-pulse");
  CHECK(s.spool_max_events == 1000);
  CHECK(s.platform == "proxmox-lxc");
}

TEST_CASE("a bare integer duration means seconds", "[config]") {
  CHECK(parse("[heartbeat]\ninterval = 90\n").heartbeat_interval == 90s);
}

TEST_CASE("errors name the file, the line and the key", "[config]") {
  CHECK(failure_of("[server]\nurl = \"https://x\"\nbogus = 1\n") ==
        "pulse.toml:3: server.bogus: unknown key");
  CHECK(failure_of("\n[nosuch]\na = 1\n") == "pulse.toml:2: nosuch: unknown table");
  CHECK(failure_of("[server]\ntimeout = true\n") ==
        "pulse.toml:2: server.timeout: expected a duration such as \"90s\" or \"1h30m\"");
  CHECK(failure_of("[heartbeat]\ninterval = \"an hour\"\n") ==
        "pulse.toml:2: heartbeat.interval: invalid duration \"an hour\" (use ms, s, m, h, e.g. "
        "\"1h30m\")");
  CHECK(failure_of("[heartbeat]\ninterval = \"0s\"\n") ==
        "pulse.toml:2: heartbeat.interval: must be greater than zero");
  CHECK(failure_of("[spool]\nmax_events = 0\n") == "pulse.toml:2: spool.max_events: must be at least 1");
  CHECK(failure_of("[spool]\nmax_events = \"10\"\n") ==
        "pulse.toml:2: spool.max_events: expected an integer");
  CHECK(failure_of("[metadata]\nplatform = \"mainframe\"\n") ==
        "pulse.toml:2: metadata.platform: unknown platform \"mainframe\"");
  CHECK(failure_of("[server]\nurl = 5\n") == "pulse.toml:2: server.url: expected a string");
  CHECK(failure_of("server = 1\n") == "pulse.toml:1: server: expected a table");
}

TEST_CASE("TOML syntax errors name the line", "[config]") {
  CHECK_THAT(failure_of("[server]\nurl = \"unterminated\n"),
             Catch::StartsWith("pulse.toml:2: "));
}

namespace {

std::string dotted(int parts) {
  std::string key = "a";
  for (int i = 1; i < parts; ++i) key += ".a";
  return key;
}

std::string nested_inline(int depth) {
  std::string text = "x = ";
  for (int i = 0; i < depth; ++i) text += "{a = ";
  text += "1";
  for (int i = 0; i < depth; ++i) text += "}";
  return text + "\n";
}

}  // namespace

// toml++ 3.3.0 overflows its stack on about 200,000 levels (SIGSEGV): the
// depth is counted before it sees the text.
TEST_CASE("keys nested deeper than 64 levels are refused before toml++ parses them", "[config]") {
  const std::string too_deep = "pulse.toml:2: tables or keys nested deeper than 64 levels";
  CHECK(failure_of("\n[" + dotted(65) + "]\n") == too_deep);
  CHECK(failure_of("\n" + dotted(65) + " = 1\n") == too_deep);
  CHECK(failure_of("\n" + nested_inline(64)) == too_deep);
  CHECK(failure_of("\nx = " + std::string(65, '[') + std::string(65, ']') + "\n") == too_deep);
  // A header's depth carries over to the keys below it.
  CHECK(failure_of("[" + dotted(40) + "]\n" + dotted(25) + " = 1\n") == too_deep);
  CHECK(failure_of("[[" + dotted(40) + "]]\nx = {" + dotted(24) + " = 1}\n") == too_deep);
  CHECK(failure_of("\n" + dotted(200000) + " = 1\n") == too_deep);

  // At 64 levels the file reaches toml++ (which then names the unknown table).
  CHECK(failure_of("[" + dotted(64) + "]\n") == "pulse.toml:1: a: unknown table");
  CHECK(failure_of(dotted(63) + " = 1.5\n") == "pulse.toml:1: a: unknown table");
  // Dots in strings and comments are no keys.
  CHECK(parse("# " + dotted(100) + "\n[server]\nurl = \"https://" + dotted(100) + "\"\n")
            .server_url == "https://" + dotted(100));
  CHECK(parse("[server]\nurl = '''\n" + dotted(100) + "\n'''\n").server_url ==
        dotted(100) + "\n");
}

TEST_CASE("a config text over 1 MiB is refused before toml++ parses it", "[config]") {
  CHECK(failure_of(std::string(1024 * 1024 + 1, '#')) ==
        "pulse.toml:1: the file is larger than 1 MiB; it cannot be a pharos-pulse config");
  CHECK_NOTHROW(parse(std::string(1024 * 1024, '#')));
}
