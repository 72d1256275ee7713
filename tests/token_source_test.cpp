#include "token_source.h"

#include <unistd.h>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "failure.h"
#include "temp_dir.h"

namespace fs = std::filesystem;
using pulse::ExitCode;
using pulse::Failure;
using pulse::read_token;
using pulse::TokenSources;

namespace {

using pulse::test::TempDir;

// A pipe whose read end stands in for standard input.
class Pipe {
 public:
  explicit Pipe(const std::string& content) {
    REQUIRE(::pipe(fds_) == 0);
    REQUIRE(::write(fds_[1], content.data(), content.size()) ==
            static_cast<ssize_t>(content.size()));
    ::close(fds_[1]);
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  ~Pipe() { ::close(fds_[0]); }
  int read_end() const { return fds_[0]; }

 private:
  int fds_[2] = {-1, -1};
};

ExitCode failure_code(const TokenSources& sources) {
  try {
    read_token(sources);
  } catch (const Failure& failure) {
    return failure.code();
  }
  FAIL("read_token did not fail");
  return ExitCode::ok;
}

}  // namespace

TEST_CASE("token_source: a token file gives its first line, trimmed", "[token_source]") {
  TempDir dir{"pulse-token-test"};
  TokenSources sources;
  SECTION("with more lines after it") {
    sources.file = dir.write("token", "  \tabc-123 \nsecond line\n");
  }
  SECTION("with CRLF") { sources.file = dir.write("token", "abc-123\r\n"); }
  SECTION("without a final newline") { sources.file = dir.write("token", "abc-123"); }
  CHECK(read_token(sources).view() == "abc-123");
}

TEST_CASE("token_source: an empty token file is a usage error", "[token_source]") {
  TempDir dir{"pulse-token-test"};
  TokenSources sources;
  SECTION("empty") { sources.file = dir.write("token", ""); }
  SECTION("only white space") { sources.file = dir.write("token", " \t\r\n"); }
  SECTION("an empty first line before a token") { sources.file = dir.write("token", "\nabc\n"); }
  CHECK(failure_code(sources) == ExitCode::usage);
}

TEST_CASE("token_source: a missing token file is a configuration error naming it",
          "[token_source]") {
  TokenSources sources;
  sources.file = "/nonexistent/pulse-token";
  try {
    read_token(sources);
    FAIL("no failure");
  } catch (const Failure& failure) {
    CHECK(failure.code() == ExitCode::configuration);
    CHECK_THAT(failure.what(), Catch::Matchers::Contains("'/nonexistent/pulse-token'"));
  }
}

TEST_CASE("token_source: a first line longer than any token is refused", "[token_source]") {
  TempDir dir{"pulse-token-test"};
  TokenSources sources;
  sources.file = dir.write("token", std::string(5000, 'x') + "\n");
  CHECK(failure_code(sources) == ExitCode::usage);
}

TEST_CASE("token_source: --token - reads the first line of standard input", "[token_source]") {
  Pipe input("  from-stdin \nnot this\n");
  TokenSources sources;
  sources.argument = "-";
  sources.standard_input = input.read_end();
  CHECK(read_token(sources).view() == "from-stdin");
}

TEST_CASE("token_source: an empty standard input is a usage error", "[token_source]") {
  Pipe input("");
  TokenSources sources;
  sources.argument = "-";
  sources.standard_input = input.read_end();
  CHECK(failure_code(sources) == ExitCode::usage);
}

TEST_CASE("token_source: --token VALUE and PHAROS_ENROLL_TOKEN give their value, trimmed",
          "[token_source]") {
  TokenSources sources;
  SECTION("argument") { sources.argument = " value-1 "; }
  SECTION("environment") { sources.environment = "value-1\n"; }
  CHECK(read_token(sources).view() == "value-1");
}

TEST_CASE("token_source: an empty environment token is a usage error", "[token_source]") {
  TokenSources sources;
  sources.environment = "  ";
  CHECK(failure_code(sources) == ExitCode::usage);
}

TEST_CASE("token_source: flags take precedence over the environment", "[token_source]") {
  TempDir dir{"pulse-token-test"};
  TokenSources sources;
  sources.environment = "from-environment";
  SECTION("--token-file") {
    sources.file = dir.write("token", "from-flag\n");
  }
  SECTION("--token") { sources.argument = "from-flag"; }
  CHECK(read_token(sources).view() == "from-flag");
}

TEST_CASE("token_source: no token at all is a usage error", "[token_source]") {
  CHECK(failure_code(TokenSources{}) == ExitCode::usage);
}

TEST_CASE("token_source: a moved token keeps its text", "[token_source]") {
  pulse::Token first("a-token-long-enough-to-live-on-the-heap");
  pulse::Token second(std::move(first));
  CHECK(second.view() == "a-token-long-enough-to-live-on-the-heap");
}
