#include "openssh_key.h"

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "encoding.h"

using Catch::Matchers::Contains;
using pulse::KeyFormatError;
using pulse::parse_openssh_private_key;

namespace {

// Made once with `ssh-keygen -t ed25519 -N "" -C comment`; a throwaway key.
constexpr std::string_view ssh_keygen_key =
    "-----BEGIN OPENSSH PRIVATE KEY-----\n"
    "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
    "QyNTUxOQAAACB4COvqNTdtuqdBzL/e4dsSXT8CLfFCYYY2TxHFPZUIYAAAAJDWWXrx1ll6\n"
    "8QAAAAtzc2gtZWQyNTUxOQAAACB4COvqNTdtuqdBzL/e4dsSXT8CLfFCYYY2TxHFPZUIYA\n"
    "AAAEBKT5DyifqZEVuIc5EMY+LJjAziyzKmX26UEV98L11erngI6+o1N226p0HMv97h2xJd\n"
    "PwIt8UJhhjZPEcU9lQhgAAAAB2NvbW1lbnQBAgMEBQY=\n"
    "-----END OPENSSH PRIVATE KEY-----\n";
constexpr std::string_view ssh_keygen_public_line =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHgI6+o1N226p0HMv97h2xJdPwIt8UJhhjZPEcU9lQhg comment";
constexpr std::string_view ssh_keygen_fingerprint = "SHA256:KWwmOQNzrJlVg+COT6p3cQzh+2zO4BSpE+T2JnQZAHI";

void put_u32(std::vector<std::uint8_t>& out, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(value >> shift));
}

void put_string(std::vector<std::uint8_t>& out, pulse::Bytes data) {
  put_u32(out, static_cast<std::uint32_t>(data.size()));
  out.insert(out.end(), data.begin(), data.end());
}

std::string armour(const std::vector<std::uint8_t>& blob) {
  return "-----BEGIN OPENSSH PRIVATE KEY-----\n" + pulse::base64(blob) +
         "\n-----END OPENSSH PRIVATE KEY-----\n";
}

// Builds a key container field by field, so each test breaks exactly one.
struct KeyFile {
  std::string magic{"openssh-key-v1\0", 15};
  std::string cipher = "none";
  std::string kdf = "none";
  std::string kdf_options;
  std::uint32_t key_count = 1;
  std::string public_type = "ssh-ed25519";
  std::vector<std::uint8_t> public_key;
  std::uint32_t check1 = 0x12345678;
  std::uint32_t check2 = 0x12345678;
  std::string private_type = "ssh-ed25519";
  std::vector<std::uint8_t> private_public_key;
  std::vector<std::uint8_t> secret;
  std::string comment = "comment";
  std::vector<std::uint8_t> padding;  // empty: the correct padding
  std::vector<std::uint8_t> trailer;

  explicit KeyFile(const pulse::Identity& identity)
      : public_key(identity.public_key().begin(), identity.public_key().end()),
        private_public_key(public_key),
        secret(identity.secret_key().data(), identity.secret_key().data() + 64) {}

  std::string text() const {
    std::vector<std::uint8_t> section;
    put_u32(section, check1);
    put_u32(section, check2);
    put_string(section, pulse::as_bytes(private_type));
    put_string(section, private_public_key);
    put_string(section, secret);
    put_string(section, pulse::as_bytes(comment));
    if (padding.empty()) {
      for (std::uint8_t i = 1; section.size() % 8 != 0; ++i) section.push_back(i);
    } else {
      section.insert(section.end(), padding.begin(), padding.end());
    }

    std::vector<std::uint8_t> public_blob;
    put_string(public_blob, pulse::as_bytes(public_type));
    put_string(public_blob, public_key);

    std::vector<std::uint8_t> blob(magic.begin(), magic.end());
    put_string(blob, pulse::as_bytes(cipher));
    put_string(blob, pulse::as_bytes(kdf));
    put_string(blob, pulse::as_bytes(kdf_options));
    put_u32(blob, key_count);
    put_string(blob, public_blob);
    put_string(blob, section);
    blob.insert(blob.end(), trailer.begin(), trailer.end());
    return armour(blob);
  }
};

}  // namespace

TEST_CASE("a key written by ssh-keygen is parsed", "[openssh_key]") {
  const pulse::Identity identity = parse_openssh_private_key(ssh_keygen_key);
  CHECK(identity.comment() == "comment");
  CHECK(identity.public_line() == ssh_keygen_public_line);
  CHECK(identity.fingerprint() == ssh_keygen_fingerprint);
}

TEST_CASE("formatting reproduces ssh-keygen's file byte for byte", "[openssh_key]") {
  const pulse::Identity identity = parse_openssh_private_key(ssh_keygen_key);
  // ssh-keygen's check integer for this key, read from its private section.
  CHECK(pulse::format_openssh_private_key(identity, 0xd6597af1) == ssh_keygen_key);
}

TEST_CASE("a formatted key parses back to the same key", "[openssh_key]") {
  for (const char* comment : {"", "a", "pharos-pulse@web-01", "seven77"}) {
    const pulse::Identity identity = pulse::Identity::generate(comment);
    const std::string text = pulse::format_openssh_private_key(identity, 42);
    const pulse::Identity back = parse_openssh_private_key(text);
    CHECK(back.public_key() == identity.public_key());
    CHECK(back.comment() == comment);
    CHECK(std::equal(back.secret_key().data(), back.secret_key().data() + 64,
                     identity.secret_key().data()));
  }
}

TEST_CASE("formatted base64 lines are 70 columns like ssh-keygen's", "[openssh_key]") {
  const std::string text =
      pulse::format_openssh_private_key(pulse::Identity::generate(std::string(200, 'c')), 7);
  std::vector<std::string> lines;
  for (std::size_t start = 0, end; (end = text.find('\n', start)) != std::string::npos;
       start = end + 1) {
    lines.push_back(text.substr(start, end - start));
  }
  REQUIRE(lines.size() > 3);
  CHECK(lines.front() == "-----BEGIN OPENSSH PRIVATE KEY-----");
  CHECK(lines.back() == "-----END OPENSSH PRIVATE KEY-----");
  for (std::size_t i = 1; i + 2 < lines.size(); ++i) CHECK(lines[i].size() == 70);
  CHECK(lines[lines.size() - 2].size() <= 70);
  CHECK(text.back() == '\n');
}

TEST_CASE("surrounding blank lines and CRLF line ends are accepted", "[openssh_key]") {
  std::string text = "\n";
  for (char c : ssh_keygen_key) {
    if (c == '\n') text += '\r';
    text += c;
  }
  text += "\n\n";
  CHECK(parse_openssh_private_key(text).fingerprint() == ssh_keygen_fingerprint);
}

TEST_CASE("files that are not OpenSSH keys are refused by what they are", "[openssh_key]") {
  CHECK_THROWS_WITH(parse_openssh_private_key("-----BEGIN RSA PRIVATE KEY-----\nMIIB\n"
                                              "-----END RSA PRIVATE KEY-----\n"),
                    Contains("not an OpenSSH key") && Contains("RSA keys are not supported"));
  CHECK_THROWS_WITH(parse_openssh_private_key("-----BEGIN EC PRIVATE KEY-----\n"),
                    Contains("ECDSA keys are not supported"));
  CHECK_THROWS_WITH(parse_openssh_private_key("-----BEGIN PRIVATE KEY-----\n"),
                    Contains("PKCS#8"));
  CHECK_THROWS_WITH(parse_openssh_private_key(ssh_keygen_public_line),
                    Contains("this is a public key"));
  CHECK_THROWS_WITH(parse_openssh_private_key(""), Contains("the file is empty"));
  CHECK_THROWS_WITH(parse_openssh_private_key("hello\x01\x02 world"),
                    Contains("not an OpenSSH private key"));
}

TEST_CASE("broken armour is refused", "[openssh_key]") {
  const std::string key(ssh_keygen_key);
  CHECK_THROWS_WITH(parse_openssh_private_key(key.substr(0, key.size() / 2)),
                    Contains("the key is truncated"));
  CHECK_THROWS_WITH(parse_openssh_private_key(key + "more\n"),
                    Contains("unexpected text after the END line"));
  std::string corrupt = key;
  corrupt[40] = '*';
  CHECK_THROWS_WITH(parse_openssh_private_key(corrupt), Contains("base64 text is corrupt"));
  CHECK_THROWS_WITH(parse_openssh_private_key("-----BEGIN OPENSSH PRIVATE KEY-----\n"
                                              "-----END OPENSSH PRIVATE KEY-----\n"),
                    Contains("truncated"));
}

TEST_CASE("the key built by the test helper is valid", "[openssh_key]") {
  const pulse::Identity identity = pulse::Identity::generate("comment");
  CHECK(parse_openssh_private_key(KeyFile(identity).text()).public_key() ==
        identity.public_key());
}

TEST_CASE("each malformed field is refused with a reason", "[openssh_key]") {
  const pulse::Identity identity = pulse::Identity::generate("comment");
  const pulse::Identity other = pulse::Identity::generate("comment");
  KeyFile key(identity);
  std::string reason;

  SECTION("bad magic") {
    key.magic = std::string("openssh-key-v2\0", 15);
    reason = "no openssh-key-v1 header";
  }
  SECTION("encrypted") {
    key.cipher = "aes256-ctr";
    key.kdf = "bcrypt";
    reason = "the key is encrypted with a passphrase; pharos-pulse needs an unencrypted key";
  }
  SECTION("kdf without a cipher") {
    key.kdf = "bcrypt";
    reason = "names a key derivation";
  }
  SECTION("kdf options without a cipher") {
    key.kdf_options = "salt";
    reason = "names a key derivation";
  }
  SECTION("two keys") {
    key.key_count = 2;
    reason = "the file holds 2 keys; pharos-pulse needs exactly one";
  }
  SECTION("RSA") {
    key.public_type = "ssh-rsa";
    reason = "unsupported key type 'ssh-rsa'";
  }
  SECTION("ECDSA") {
    key.public_type = "ecdsa-sha2-nistp256";
    reason = "unsupported key type 'ecdsa-sha2-nistp256'";
  }
  SECTION("unprintable key type") {
    key.public_type = "ssh\n\x7f";
    reason = "unsupported key type (unprintable name)";
  }
  SECTION("short public key") {
    key.public_key.pop_back();
    reason = "the public key is not 32 bytes";
  }
  SECTION("check integers differ") {
    key.check2 ^= 1;
    reason = "the check integers differ";
  }
  SECTION("private key type differs") {
    key.private_type = "ssh-rsa";
    reason = "the private key's type differs";
  }
  SECTION("short secret key") {
    key.secret.resize(63);
    reason = "the private key has the wrong size";
  }
  SECTION("public key of another key") {
    key.public_key.assign(other.public_key().begin(), other.public_key().end());
    key.private_public_key = key.public_key;
    reason = "the public key does not match the private key";
  }
  SECTION("secret key's public half of another key") {
    std::copy(other.public_key().begin(), other.public_key().end(), key.secret.begin() + 32);
    reason = "the public key does not match the private key";
  }
  SECTION("private section's public key of another key") {
    key.private_public_key.assign(other.public_key().begin(), other.public_key().end());
    reason = "the public key does not match the private key";
  }
  SECTION("seed of another key") {
    std::copy(other.secret_key().data(), other.secret_key().data() + 32, key.secret.begin());
    reason = "the public key does not match the private key";
  }
  // With a 6-byte comment the section needs 7 bytes of padding, with 5 none.
  SECTION("wrong padding bytes") {
    key.comment = "commen";
    key.padding = {1, 2, 3, 4, 5, 6, 8};
    reason = "bad padding";
  }
  SECTION("a whole block of padding") {
    key.comment = "comme";
    key.padding = {1, 2, 3, 4, 5, 6, 7, 8};
    reason = "bad padding";
  }
  SECTION("private section not a multiple of 8") {
    key.comment = "commen";
    key.padding = {1, 2, 3, 4, 5, 6};
    reason = "not padded to 8 bytes";
  }
  SECTION("trailing data") {
    key.trailer = {0};
    reason = "unexpected data after the private section";
  }
  CHECK_THROWS_WITH(parse_openssh_private_key(key.text()), Contains(reason));
}

TEST_CASE("an encrypted key throws EncryptedKeyError", "[openssh_key]") {
  KeyFile key(pulse::Identity::generate("c"));
  key.cipher = "aes256-ctr";
  CHECK_THROWS_AS(parse_openssh_private_key(key.text()), pulse::EncryptedKeyError);
}

TEST_CASE("every truncation of the binary key is refused, never overrun", "[openssh_key]") {
  const pulse::Identity identity = pulse::Identity::generate("comment");
  const std::string text = pulse::format_openssh_private_key(identity, 9);
  std::string base64_text;
  for (std::size_t start = text.find('\n') + 1, end;
       (end = text.find('\n', start)) != std::string::npos && text[start] != '-';
       start = end + 1) {
    base64_text += text.substr(start, end - start);
  }
  const std::vector<std::uint8_t> blob = pulse::decode_base64(base64_text).value();
  for (std::size_t size = 0; size < blob.size(); ++size) {
    const std::vector<std::uint8_t> cut(blob.begin(), blob.begin() + static_cast<std::ptrdiff_t>(size));
    CHECK_THROWS_AS(parse_openssh_private_key(armour(cut)), KeyFormatError);
  }
}
