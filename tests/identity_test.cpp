#include "identity.h"

#include <sodium.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "encoding.h"
#include "failure.h"
#include "files.h"
#include "temp_dir.h"

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using pulse::ExitCode;

namespace {

using pulse::test::TempDir;

// Runs a shell command, which must succeed, and returns what it printed.
std::string run(const std::string& command) {
  INFO(command);
  FILE* pipe = ::popen((command + " </dev/null 2>&1").c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  char buffer[4096];
  for (std::size_t got; (got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) {
    out.append(buffer, got);
  }
  const int status = ::pclose(pipe);
  INFO(out);
  REQUIRE(status == 0);
  return out;
}

std::string without_newline(std::string text) {
  REQUIRE(!text.empty());
  REQUIRE(text.back() == '\n');
  text.pop_back();
  return text;
}

// The SHA256:… field of `ssh-keygen -l -f file`.
std::string ssh_keygen_fingerprint(const fs::path& file) {
  const std::string line = run("ssh-keygen -l -f " + file.string());
  const std::size_t start = line.find(' ') + 1;
  return line.substr(start, line.find(' ', start) - start);
}

std::string read(const fs::path& file) { return pulse::read_file_if_exists(file).value(); }

mode_t mode_of(const fs::path& file) {
  struct stat status {};
  REQUIRE(::stat(file.c_str(), &status) == 0);
  return status.st_mode & 07777;
}

struct Refusal {
  ExitCode code = ExitCode::ok;
  std::string message;
};

Refusal refusal_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const pulse::Failure& failure) {
    return {failure.code(), failure.what()};
  }
  FAIL("no pulse::Failure was thrown");
  return {};
}

Refusal load_refusal(const fs::path& key_file) {
  return refusal_of([&] { pulse::load_identity(key_file); });
}

std::string load_prefix(const fs::path& key_file) {
  return "cannot read identity key '" + key_file.string() + "': ";
}

}  // namespace

TEST_CASE("a key made by ssh-keygen loads as ssh-keygen sees it", "[identity]") {
  TempDir dir{"pulse-identity-test"};
  const fs::path key = dir / "k";
  run("ssh-keygen -q -t ed25519 -N '' -C comment -f " + key.string());

  const pulse::Identity identity = pulse::load_identity(key);
  CHECK(identity.fingerprint() == ssh_keygen_fingerprint(dir / "k.pub"));
  CHECK(identity.public_line() == without_newline(read(dir / "k.pub")));
  CHECK(identity.comment() == "comment");
}

TEST_CASE("a saved key is read by ssh-keygen", "[identity]") {
  TempDir dir{"pulse-identity-test"};
  const fs::path key = dir / "etc/pharos/pulse_id";
  const pulse::Identity identity = pulse::Identity::generate("pharos-pulse@web-01");
  pulse::save_identity(identity, key, false);

  CHECK(without_newline(run("ssh-keygen -y -f " + key.string())) == identity.public_line());
  CHECK(ssh_keygen_fingerprint(key) == identity.fingerprint());
  const fs::path public_file = dir / "etc/pharos/pulse_id.pub";
  CHECK(ssh_keygen_fingerprint(public_file) == identity.fingerprint());
  CHECK(read(public_file) == identity.public_line() + "\n");

  CHECK(mode_of(key) == 0600);
  CHECK(mode_of(public_file) == 0644);
  CHECK(mode_of(dir / "etc") == 0700);
  CHECK(mode_of(dir / "etc/pharos") == 0700);
}

TEST_CASE("a saved key loads back unchanged", "[identity]") {
  TempDir dir{"pulse-identity-test"};
  const pulse::Identity identity = pulse::Identity::generate("");
  pulse::save_identity(identity, dir / "k", false);
  const pulse::Identity back = pulse::load_identity(dir / "k");
  CHECK(back.public_key() == identity.public_key());
  CHECK(back.comment().empty());
  CHECK(back.public_line() == without_newline(read(dir / "k.pub")));
}

TEST_CASE("a key readable by group or others is refused", "[identity]") {
  TempDir dir{"pulse-identity-test"};
  const fs::path key = dir / "k";
  pulse::save_identity(pulse::Identity::generate("c"), key, false);
  const auto [mode, text] = GENERATE(table<mode_t, const char*>({{0644, "0644"}, {0640, "0640"}}));
  REQUIRE(::chmod(key.c_str(), mode) == 0);

  const Refusal refusal = load_refusal(key);
  CHECK(refusal.code == ExitCode::configuration);
  CHECK(refusal.message == "identity key '" + key.string() + "' is readable by others (mode " +
                               text + "); run 'chmod 600 " + key.string() + "'");
}

TEST_CASE("a missing key file is refused with how to create one", "[identity]") {
  TempDir dir{"pulse-identity-test"};
  const Refusal refusal = load_refusal(dir / "none");
  CHECK(refusal.code == ExitCode::configuration);
  CHECK(refusal.message == "no identity key at '" + (dir / "none").string() +
                               "'; create one with 'pharos-pulse keygen'");
}

TEST_CASE("an encrypted key is refused with how to decrypt it", "[identity]") {
  TempDir dir{"pulse-identity-test"};
  const fs::path key = dir / "k";
  run("ssh-keygen -q -t ed25519 -N secretpass -f " + key.string());

  const Refusal refusal = load_refusal(key);
  CHECK(refusal.code == ExitCode::configuration);
  CHECK(refusal.message == load_prefix(key) +
                               "the key is encrypted with a passphrase; pharos-pulse needs an "
                               "unencrypted key (ssh-keygen -p -N '' -f " + key.string() + ")");
}

TEST_CASE("keys of other types are refused naming the type", "[identity]") {
  TempDir dir{"pulse-identity-test"};
  const fs::path key = dir / "k";
  const auto [arguments, reason] = GENERATE(table<const char*, const char*>({
      {"-t rsa -b 1024 -m PEM", "not an OpenSSH key but a PEM RSA key; RSA keys are not supported"},
      {"-t rsa -b 1024", "unsupported key type 'ssh-rsa'"},
      {"-t ecdsa -b 256", "unsupported key type 'ecdsa-sha2-nistp256'"},
  }));
  run(std::string("ssh-keygen -q -N '' ") + arguments + " -f " + key.string());

  const Refusal refusal = load_refusal(key);
  CHECK(refusal.code == ExitCode::configuration);
  CHECK_THAT(refusal.message, StartsWith(load_prefix(key) + reason));
  CHECK_THAT(refusal.message, Contains("Ed25519"));
}

TEST_CASE("malformed key files are refused", "[identity]") {
  TempDir dir{"pulse-identity-test"};
  const fs::path key = dir / "k";
  run("ssh-keygen -q -t ed25519 -N '' -f " + key.string());
  const std::string whole = read(key);
  fs::path refused = key;

  SECTION("truncated") {
    pulse::write_file_atomically(key, whole.substr(0, whole.size() / 2), 0600);
    CHECK_THAT(load_refusal(key).message, StartsWith(load_prefix(key) + "the key is truncated"));
  }
  SECTION("garbage") {
    pulse::write_file_atomically(key, "\x7f" "ELF\x02\x01\x01 not a key at all", 0600);
    CHECK_THAT(load_refusal(key).message,
               StartsWith(load_prefix(key) + "not an OpenSSH private key"));
  }
  SECTION("empty") {
    pulse::write_file_atomically(key, "", 0600);
    CHECK(load_refusal(key).message == load_prefix(key) + "the file is empty");
  }
  SECTION("a directory") {
    refused = dir / "d";
    pulse::create_directories(refused, 0700);
    CHECK(load_refusal(refused).message == load_prefix(refused) + "not a regular file");
  }
  CHECK(load_refusal(refused).code == ExitCode::configuration);
}

TEST_CASE("an existing key is replaced only when asked", "[identity]") {
  TempDir dir{"pulse-identity-test"};
  const fs::path key = dir / "k";
  const pulse::Identity first = pulse::Identity::generate("first");
  const pulse::Identity second = pulse::Identity::generate("second");
  pulse::save_identity(first, key, false);
  const std::string key_text = read(key);
  const std::string public_text = read(dir / "k.pub");

  CHECK_FALSE(pulse::save_identity(second, key, false));
  CHECK(read(key) == key_text);
  CHECK(read(dir / "k.pub") == public_text);

  CHECK(pulse::save_identity(second, key, true));
  CHECK(pulse::load_identity(key).fingerprint() == second.fingerprint());
  CHECK(read(dir / "k.pub") == second.public_line() + "\n");
}

TEST_CASE("signatures verify against the public key", "[identity]") {
  TempDir dir{"pulse-identity-test"};
  const fs::path key = dir / "k";
  run("ssh-keygen -q -t ed25519 -N '' -f " + key.string());
  const pulse::Identity identity = pulse::load_identity(key);
  // The public key as ssh-keygen wrote it: the last 32 bytes of the .pub blob.
  const std::string public_line = read(dir / "k.pub");
  const std::size_t start = public_line.find(' ') + 1;
  const auto blob =
      pulse::decode_base64(public_line.substr(start, public_line.find(' ', start) - start)).value();
  REQUIRE(blob.size() == 51);

  const std::string message = "POST /v1/presence";
  const pulse::Signature signature = identity.sign(pulse::as_bytes(message));
  const auto verify = [&](const std::string& text) {
    return crypto_sign_verify_detached(signature.data(),
                                       reinterpret_cast<const unsigned char*>(text.data()),
                                       text.size(), blob.data() + 19);
  };
  CHECK(verify(message) == 0);
  CHECK(verify(message + "!") != 0);
}

TEST_CASE("generated keys are fresh and fingerprinted like OpenSSH", "[identity]") {
  const pulse::Identity a = pulse::Identity::generate("a");
  const pulse::Identity b = pulse::Identity::generate("b");
  CHECK(a.public_key() != b.public_key());
  CHECK_THAT(a.fingerprint(), StartsWith("SHA256:"));
  CHECK(a.fingerprint().size() == 7 + 43);
  CHECK_THAT(a.public_line(), StartsWith("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI"));
  CHECK_THAT(a.public_line(), Catch::Matchers::EndsWith(" a"));
}

TEST_CASE("a moved-from secret key holds nothing", "[identity]") {
  const auto is_all = [](const pulse::SecretKey& key, std::uint8_t value) {
    return std::all_of(key.data(), key.data() + pulse::SecretKey::size(),
                       [value](std::uint8_t byte) { return byte == value; });
  };
  pulse::SecretKey source;
  std::fill(source.data(), source.data() + pulse::SecretKey::size(), 7);
  pulse::SecretKey moved(std::move(source));
  CHECK(is_all(moved, 7));
  CHECK(source.data() == nullptr);  // NOLINT(bugprone-use-after-move): the point

  pulse::SecretKey assigned;
  assigned = std::move(moved);
  CHECK(is_all(assigned, 7));
  CHECK(moved.data() == nullptr);  // NOLINT(bugprone-use-after-move)
}

TEST_CASE("the default comment names the host", "[identity]") {
  CHECK(pulse::default_key_comment("web-01") == "pharos-pulse@web-01");
}

namespace {

// The VmFlags line of /proc/self/smaps for the mapping that holds `address`.
std::string mapping_flags(const void* address) {
  std::ifstream smaps("/proc/self/smaps");
  const auto where = reinterpret_cast<std::uintptr_t>(address);
  bool inside = false;
  for (std::string line; std::getline(smaps, line);) {
    std::uintptr_t begin = 0, end = 0;
    if (std::sscanf(line.c_str(), "%" SCNxPTR "-%" SCNxPTR " ", &begin, &end) == 2) {
      inside = begin <= where && where < end;
    } else if (inside && line.starts_with("VmFlags:")) {
      return line;
    }
  }
  return "";
}

}  // namespace

TEST_CASE("a secret key stays out of core dumps", "[identity]") {
  const pulse::Identity identity = pulse::Identity::generate("c");
  CHECK(::prctl(PR_GET_DUMPABLE) == 0);
  CHECK_THAT(mapping_flags(identity.secret_key().data()), Catch::Matchers::Contains(" dd"));
}
