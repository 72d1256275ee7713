#include "global_options.h"

#include <catch2/catch.hpp>

#include <vector>

using pulse::cmd::GivenOption;

namespace Catch {
template <>
struct StringMaker<GivenOption> {
  static std::string convert(const GivenOption& option) {
    return option.flag + (option.value ? " '" + *option.value + "'" : "") +
           (option.names_path ? " (path)" : "");
  }
};
}  // namespace Catch

namespace {

// The global options of a command line parsed as main parses it, with a
// subcommand that they may follow.
std::vector<GivenOption> given(std::vector<std::string> arguments) {
  CLI::App app;
  app.fallthrough();
  pulse::cmd::GlobalOptions options;
  pulse::cmd::register_global_options(app, options);
  app.add_subcommand("service")->add_option("--start");
  arguments.insert(arguments.begin(), "pharos-pulse");
  std::vector<const char*> argv;
  for (const auto& argument : arguments) argv.push_back(argument.c_str());
  app.parse(static_cast<int>(argv.size()), argv.data());
  return pulse::cmd::given_global_options(app);
}

}  // namespace

TEST_CASE("global_options: nothing given, nothing passed on", "[global_options]") {
  CHECK(given({"service", "--start", "manual"}).empty());
}

TEST_CASE("global_options: given options are passed on in the table's order, paths marked",
          "[global_options]") {
  const std::vector<GivenOption> expected{
      {"--config", "pulse.toml", true},  {"--key", "keys/pulse_id", true},
      {"--server", "https://hub.example", false}, {"--ca-file", "ca.pem", true},
      {"--pin", "sha256//AAAA", false},  {"--state-dir", "state", true},
      {"--timeout", "30s", false},       {"--verbose", std::nullopt, false},
  };
  CHECK(given({"--timeout", "30s", "--pin", "sha256//AAAA", "service", "--start", "auto",
               "--state-dir", "state", "--ca-file", "ca.pem", "-v", "--server",
               "https://hub.example", "--key", "keys/pulse_id", "--config", "pulse.toml"}) ==
        expected);
}

TEST_CASE("global_options: a flag given twice is passed on twice", "[global_options]") {
  const std::vector<GivenOption> expected{{"--verbose", std::nullopt, false},
                                          {"--verbose", std::nullopt, false},
                                          {"--quiet", std::nullopt, false}};
  CHECK(given({"-v", "service", "--verbose", "-q"}) == expected);
}
