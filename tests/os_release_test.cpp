#include "platform/os_release.h"

#include <catch2/catch.hpp>

#include "linux_test_nodes.h"

using pulse::os_version_from;
using pulse::OsRelease;
using pulse::parse_os_release;

TEST_CASE("os-release double quotes drop backslashes only before $ \" \\ `", "[os_release]") {
  OsRelease release = parse_os_release(R"(A="x \$y \"z\" \\ \`c\` \n")"
                                       "\n");
  CHECK(release.at("A") == R"(x $y "z" \ `c` \n)");
}

TEST_CASE("os-release single quotes keep everything literally", "[os_release]") {
  OsRelease release = parse_os_release(R"(A='say "hi" \$x')"
                                       "\n");
  CHECK(release.at("A") == R"(say "hi" \$x)");
}

TEST_CASE("os-release unquoted values take backslash escapes", "[os_release]") {
  OsRelease release = parse_os_release("ID=debian\nA=two\\ words\nEMPTY=\n");
  CHECK(release.at("ID") == "debian");
  CHECK(release.at("A") == "two words");
  CHECK(release.at("EMPTY").empty());
}

TEST_CASE("os-release quoted pieces join as in the shell", "[os_release]") {
  CHECK(parse_os_release(R"(A="a b"'c d'e)").at("A") == "a bc de");
}

TEST_CASE("os-release skips comments, blank lines and carriage returns", "[os_release]") {
  OsRelease release = parse_os_release(
      "# comment\n\n   \n  # indented comment\n  NAME=\"Foo\"   # trailing\r\nVERSION_ID=1\r\n");
  CHECK(release == OsRelease{{"NAME", "Foo"}, {"VERSION_ID", "1"}});
}

TEST_CASE("os-release skips malformed lines and keeps the rest", "[os_release]") {
  OsRelease release = parse_os_release(
      "A=\"unterminated\n"
      "B='unterminated\n"
      "C=two words\n"
      "D=trailing\\\n"
      "no equals sign\n"
      "1E=bad name\n"
      "export F=x\n"
      "=nothing\n"
      "G=\"ok\"\n");
  CHECK(release == OsRelease{{"G", "ok"}});
}

TEST_CASE("os-release keeps the later of two assignments", "[os_release]") {
  CHECK(parse_os_release("A=1\nA=2\n").at("A") == "2");
}

TEST_CASE("os-release text without a final newline still counts", "[os_release]") {
  CHECK(parse_os_release("A=1").at("A") == "1");
}

TEST_CASE("os_version prefers PRETTY_NAME, then NAME and VERSION_ID", "[os_release]") {
  CHECK(os_version_from({{"PRETTY_NAME", "Debian GNU/Linux 12 (bookworm)"}, {"NAME", "Debian"}}) ==
        "Debian GNU/Linux 12 (bookworm)");
  CHECK(
      os_version_from({{"PRETTY_NAME", ""}, {"NAME", "Alpine Linux"}, {"VERSION_ID", "3.20.3"}}) ==
      "Alpine Linux 3.20.3");
  CHECK(os_version_from({{"NAME", "Arch Linux"}}) == "Arch Linux");
  CHECK(os_version_from({{"VERSION_ID", "7"}}) == "7");
  CHECK(os_version_from({{"ID", "custom"}}) == "unknown");
}

TEST_CASE("os_version is read from the node's os-release files", "[os_release]") {
  using pulse::metadata_test::fixture_node;
  auto [name, expected] = GENERATE(table<const char*, const char*>({
      {"os-release-pretty", "Ubuntu 24.04.1 LTS"},
      {"os-release-name-version", "Alpine Linux 3.20.3"},
      {"os-release-none", "unknown"},
      {"os-release-absent", "unknown"},
      {"os-release-usr-lib", "Fedora Linux 40 (Server Edition)"},
      // /etc/os-release is used alone when it exists
      {"os-release-etc-first", "Gentoo"},
      {"os-release-quoting", R"(Pulse "Edge" $HOME \ `tick` \n 1.0)"},
  }));
  INFO(name);
  CHECK(pulse::read_os_version(fixture_node(name)) == expected);
}
