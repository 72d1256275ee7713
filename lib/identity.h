// The node's Ed25519 identity key (contract §2): load, generate, save, sign.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "encoding.h"

namespace pulse {

using PublicKey = std::array<std::uint8_t, 32>;
using Signature = std::array<std::uint8_t, 64>;

// libsodium's 64-byte secret key (seed then public half) in a sodium_malloc
// buffer: guarded, locked in memory, left out of core dumps and wiped when
// it goes away. Making one marks the process as not dumpable
// (dump_protection.h). A moved-from key holds nothing.
class SecretKey {
 public:
  SecretKey();
  SecretKey(const SecretKey&) = delete;
  SecretKey& operator=(const SecretKey&) = delete;
  SecretKey(SecretKey&& other) noexcept;
  SecretKey& operator=(SecretKey&& other) noexcept;
  ~SecretKey();

  std::uint8_t* data() { return bytes_; }
  const std::uint8_t* data() const { return bytes_; }
  static constexpr std::size_t size() { return 64; }

 private:
  std::uint8_t* bytes_;
};

class Identity {
 public:
  Identity(SecretKey secret, PublicKey public_key, std::string comment);

  static Identity generate(std::string comment);

  const PublicKey& public_key() const { return public_key_; }
  const std::string& comment() const { return comment_; }
  const SecretKey& secret_key() const { return secret_; }

  // The SSH wire blob: string "ssh-ed25519", string key.
  std::string public_blob() const;
  // "SHA256:" + unpadded base64 of SHA-256(public_blob()), as ssh-keygen -l.
  std::string fingerprint() const;
  // "ssh-ed25519 AAAA… comment", as in authorized_keys and <key>.pub.
  std::string public_line() const;

  Signature sign(Bytes message) const;

 private:
  SecretKey secret_;
  PublicKey public_key_;
  std::string comment_;
};

// Loads an unencrypted OpenSSH Ed25519 key. Refuses (Failure, exit 78) a
// missing file, a file readable by group or others, an encrypted key, another
// key type or a malformed file, each with a message saying how to fix it.
Identity load_identity(const std::filesystem::path& key_file);

// Writes <key_file> (0600), then <key_file>.pub (0644), each atomically,
// creating the parent directory with mode 0700. With `overwrite` an existing
// key is replaced. Without, the key file is claimed without replacing
// anything: false (nothing written) when a key exists, also one another
// process created a moment ago. A write error is Failure(cant_create).
bool save_identity(const Identity& identity, const std::filesystem::path& key_file,
                   bool overwrite);

// A warning naming both fingerprints when <key_file>.pub holds another
// public key than `identity`'s (pharos-pulse uses the key itself); nullopt
// when it matches or there is no readable .pub. For inspect, send -v and the
// Ph login.
std::optional<std::string> public_file_mismatch(const Identity& identity,
                                                const std::filesystem::path& key_file);

// The default comment: "pharos-pulse@HOST".
std::string default_key_comment(std::string_view hostname);

// The key at <key_file>, or a new one (commented with `hostname()`) saved
// there and logged with its fingerprint, for the commands that may create it.
Identity load_or_create_identity(const std::filesystem::path& key_file,
                                 const std::function<std::string()>& hostname);

}  // namespace pulse
