#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "failure.h"
#include "settings.h"

using namespace std::chrono_literals;
using pulse::Settings;
using pulse::SettingFlags;

namespace {

struct TempConfig {
  std::filesystem::path path;
  explicit TempConfig(const std::string& text) {
    path = std::filesystem::temp_directory_path() /
           ("pulse-settings-" + std::to_string(::getpid()) + ".toml");
    std::ofstream(path) << text;
  }
  ~TempConfig() { std::filesystem::remove(path); }
};

pulse::Environment environment(std::map<std::string, std::string> values) {
  return [values](std::string_view name) -> std::optional<std::string> {
    auto found = values.find(std::string(name));
    if (found == values.end()) return std::nullopt;
    return found->second;
  };
}

}  // namespace

TEST_CASE("flag beats environment beats config file beats default", "[settings]") {
  TempConfig config("[server]\nurl = \"https://from-config\"\ntimeout = \"3s\"\n"
                    "[identity]\nkey_file = \"/config/key\"\n[state]\ndir = \"/config/state\"\n");
  auto env = environment({{"PHAROS_PULSE_CONFIG", config.path.string()},
                          {"PHAROS_SERVER", "https://from-env"},
                          {"PHAROS_PULSE_KEY", "/env/key"}});
  SettingFlags flags;
  flags.server_url = "https://from-flag";

  Settings s = pulse::load_settings(flags, env);
  CHECK(s.config_file == config.path);
  CHECK(s.config_file_found);
  CHECK(s.server_url == "https://from-flag");  // flag
  CHECK(s.key_file == "/env/key");             // environment
  CHECK(s.state_dir == "/config/state");       // config file
  CHECK(s.timeout == 3s);                      // config file
  CHECK(s.heartbeat_interval == 60min);        // default
  CHECK(s.spool_dir() == "/config/state/spool");
}

TEST_CASE("a config file named explicitly must exist", "[settings]") {
  SettingFlags flags;
  flags.config_file = "/nonexistent/pulse.toml";
  try {
    pulse::load_settings(flags, environment({}));
    FAIL("expected a configuration error");
  } catch (const pulse::Failure& failure) {
    CHECK(failure.code() == pulse::ExitCode::configuration);
    CHECK(std::string(failure.what()) == "config file '/nonexistent/pulse.toml' does not exist");
  }
  CHECK_THROWS_AS(pulse::load_settings({}, environment({{"PHAROS_PULSE_CONFIG", "/nonexistent"}})),
                  pulse::Failure);
}

TEST_CASE("metadata options carry the overrides", "[settings]") {
  Settings s;
  CHECK_FALSE(pulse::metadata_options(s).hostname_override);
  CHECK_FALSE(pulse::metadata_options(s).platform_override);
  s.hostname = "web-01";
  s.platform = "kvm";
  auto options = pulse::metadata_options(s);
  CHECK(options.hostname_override == "web-01");
  CHECK(options.platform_override == "kvm");
  CHECK(options.state_dir == s.state_dir);
}

TEST_CASE("a command that writes the config accepts a missing named file", "[settings]") {
  SettingFlags flags;
  flags.config_file = "/nonexistent/pulse.toml";
  flags.config_may_be_missing = true;
  Settings s = pulse::load_settings(flags, environment({}));
  CHECK(s.config_file == "/nonexistent/pulse.toml");
  CHECK_FALSE(s.config_file_found);
}

TEST_CASE("pins are checked when settings load, naming the setting", "[settings]") {
  const std::string good = "sha256//47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
  const auto refusal = [](const SettingFlags& flags, const pulse::Environment& env) {
    try {
      pulse::load_settings(flags, env);
    } catch (const pulse::Failure& failure) {
      CHECK(failure.code() == pulse::ExitCode::configuration);
      return std::string(failure.what());
    }
    FAIL("accepted");
    return std::string();
  };
  const std::vector<std::string> bad_pins{
      "hello", "sha256/47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", "sha256//abc=",
      "sha256//" + std::string(44, '!'), good + ";", good + ";;" + good, "sha256//AAAA"};
  for (const std::string& pin : bad_pins) {
    INFO(pin);
    SettingFlags flags;
    flags.pinned_pubkey = pin;
    CHECK_THAT(refusal(flags, environment({})), Catch::Matchers::StartsWith("--pin: "));
    CHECK_THAT(refusal({}, environment({{"PHAROS_PULSE_PIN", pin}})),
               Catch::Matchers::StartsWith("PHAROS_PULSE_PIN: "));
  }
  SettingFlags file_pin;
  file_pin.pinned_pubkey = "/etc/pharos/hub.pem";
  CHECK_THAT(refusal(file_pin, environment({})),
             Catch::Matchers::Contains("looks like a file") &&
                 Catch::Matchers::Contains("openssl"));

  SettingFlags flags;
  flags.pinned_pubkey = good + ";" + good;
  CHECK(pulse::load_settings(flags, environment({})).pinned_pubkey == good + ";" + good);

  TempConfig config("[server]\npinned_pubkey = \"sha256/x\"\n");
  CHECK_THAT(refusal({}, environment({{"PHAROS_PULSE_CONFIG", config.path.string()}})),
             Catch::Matchers::Contains(":2: server.pinned_pubkey: 'sha256/x' is not"));
}

TEST_CASE("the server url remembers the setting it came from", "[settings]") {
  TempConfig config("[server]\nurl = \"https://from-config\"\n");
  auto env = environment({{"PHAROS_PULSE_CONFIG", config.path.string()}});
  CHECK(pulse::load_settings({}, env).server_url_source == "server.url");
  env = environment({{"PHAROS_PULSE_CONFIG", config.path.string()}, {"PHAROS_SERVER", "hub:2378"}});
  CHECK(pulse::load_settings({}, env).server_url_source == "PHAROS_SERVER");
  SettingFlags flags;
  flags.server_url = "hub:2378";
  CHECK(pulse::load_settings(flags, env).server_url_source == "--server");
}

TEST_CASE("a host name with a line break is refused at load for ph://", "[settings]") {
  TempConfig config("[server]\nurl = \"ph://hub.example\"\n[identity]\nhostname = \"web\\n01\"\n");
  auto env = environment({{"PHAROS_PULSE_CONFIG", config.path.string()}});
  try {
    pulse::load_settings({}, env);
    FAIL("accepted a host name with LF for ph://");
  } catch (const pulse::Failure& failure) {
    CHECK(failure.code() == pulse::ExitCode::configuration);
    CHECK_THAT(failure.what(), Catch::Matchers::Contains("line break") &&
                                   Catch::Matchers::Contains("identity.hostname"));
  }
  // HTTPS carries it in JSON, where a line break is escaped.
  SettingFlags https;
  https.server_url = "https://hub.example";
  CHECK(pulse::load_settings(https, env).hostname == "web\n01");
}

TEST_CASE("settings: the server url is parsed at load, and a bad one kept as the reason",
          "[settings]") {
  pulse::Settings settings;
  settings.server_url = "ph://hub.example";
  settings.read_server_url();
  REQUIRE(settings.server);
  CHECK(settings.required_server().scheme == pulse::Scheme::ph);

  settings.server_url = "http://pharos.example.net";
  settings.server_url_source = "--server";
  settings.read_server_url();
  CHECK_FALSE(settings.server);
  CHECK_THAT(settings.server_problem, Catch::Matchers::Contains("--server"));
  CHECK_THROWS_WITH(settings.required_server(), settings.server_problem);
}
