#include "key_file.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "temp_dir.h"

namespace fs = std::filesystem;
using pulse::ExitCode;
using pulse::test::TempDir;

namespace {

// Not a real key: the key file's room only keeps text, and tells a public
// key's line from anything else.
constexpr const char* kKeyText =
    "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE=\n"
    "-----END OPENSSH PRIVATE KEY-----\n";

// The message of the Failure reading `key_file` throws, checked to be a
// configuration error.
std::string refusal(const fs::path& key_file) {
  std::string text;
  try {
    pulse::read_key_file(key_file, text);
  } catch (const pulse::Failure& failure) {
    CHECK(failure.code() == ExitCode::configuration);
    return failure.what();
  }
  FAIL("the key file was read");
  return "";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("key_file: a written key reads back, kept from others", "[key_file]") {
  TempDir dir{"pulse-key-test"};
  const fs::path key = dir / "pulse_id";
  pulse::write_key_file(key, kKeyText);
  struct stat info {};
  REQUIRE(::stat(key.c_str(), &info) == 0);
  CHECK((info.st_mode & 07777) == 0600);
  std::string text;
  pulse::read_key_file(key, text);
  CHECK(text == kKeyText);
  pulse::write_key_file(key, "replaced");
  pulse::read_key_file(key, text);
  CHECK(text == "replaced");
}

TEST_CASE("key_file: creating a key never replaces one", "[key_file]") {
  TempDir dir{"pulse-key-test"};
  const fs::path key = dir / "pulse_id";
  CHECK(pulse::create_key_file(key, kKeyText));
  CHECK_FALSE(pulse::create_key_file(key, "another key"));
  std::string text;
  pulse::read_key_file(key, text);
  CHECK(text == kKeyText);
}

TEST_CASE("key_file: a missing key says how to make one", "[key_file]") {
  TempDir dir{"pulse-key-test"};
  const fs::path key = dir / "pulse_id";
  CHECK(refusal(key) == "no identity key at '" + key.string() +
                            "'; create one with 'pharos-pulse keygen'");
}

TEST_CASE("key_file: a key others may read is refused with the chmod that fixes it",
          "[key_file]") {
  TempDir dir{"pulse-key-test"};
  const fs::path key = dir.write("pulse_id", kKeyText);
  fs::permissions(key, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  CHECK(refusal(key) == "identity key '" + key.string() +
                            "' is readable by others (mode 0640); run 'chmod 600 " +
                            key.string() + "'");
}

TEST_CASE("key_file: what is no key file is refused, saying why", "[key_file]") {
  TempDir dir{"pulse-key-test"};
  SECTION("a directory") {
    fs::create_directory(dir / "pulse_id");
    CHECK(contains(refusal(dir / "pulse_id"), "not a regular file"));
  }
  SECTION("a large file") {
    const fs::path key = dir.write("pulse_id", std::string(64 * 1024 + 1, 'k'));
    fs::permissions(key, fs::perms::owner_read);
    CHECK(contains(refusal(key), "the file is too large for a key"));
  }
  SECTION("a public key, readable by all as it should be") {
    const fs::path key = dir.write(
        "pulse_id.pub",
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFmUoYZgFnLJr8cf5kSmrc0LjN5TpRkIOs0IqWCv5HzP "
        "node\n");
    fs::permissions(key, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
    CHECK(contains(refusal(key), "this is a public key"));
  }
}

TEST_CASE("key_file: an unreadable key names the file first", "[key_file]") {
  const pulse::Failure failure = pulse::unreadable_key("/etc/pharos/pulse_id", "bad magic");
  CHECK(failure.code() == ExitCode::configuration);
  CHECK(std::string(failure.what()) == "cannot read identity key '/etc/pharos/pulse_id': bad magic");
}
