#include "identity.h"

#include <sodium.h>

#include <algorithm>
#include <new>
#include <stdexcept>
#include <vector>
#include <system_error>

#include "failure.h"
#include "dump_protection.h"
#include "files.h"
#include "key_file.h"
#include "log.h"
#include "openssh_key.h"
#include "secret.h"

namespace pulse {
namespace {

constexpr std::string_view key_type = "ssh-ed25519";

void put_string(std::string& out, std::string_view data) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(data.size() >> shift));
  out.append(data);
}

std::string fingerprint_of(Bytes blob) {
  std::array<std::uint8_t, crypto_hash_sha256_BYTES> digest;
  crypto_hash_sha256(digest.data(), blob.data(), blob.size());
  return "SHA256:" + base64_unpadded(digest);
}

// The key blob of an authorized_keys line ("TYPE BASE64 comment").
std::optional<std::vector<std::uint8_t>> public_blob_of(std::string_view line) {
  const std::size_t begin = line.find(' ');
  if (begin == std::string_view::npos) return std::nullopt;
  const std::size_t end = line.find_first_of(" \t\r\n", begin + 1);
  const std::size_t length = end == std::string_view::npos ? end : end - begin - 1;
  return decode_base64(line.substr(begin + 1, length));
}

}  // namespace

SecretKey::SecretKey() {
  ensure_sodium();
  protect_from_core_dumps();
  bytes_ = static_cast<std::uint8_t*>(sodium_malloc(size()));
  if (bytes_ == nullptr) throw std::bad_alloc();
  sodium_memzero(bytes_, size());
}

SecretKey::SecretKey(SecretKey&& other) noexcept : bytes_(std::exchange(other.bytes_, nullptr)) {}

SecretKey& SecretKey::operator=(SecretKey&& other) noexcept {
  if (this != &other) {
    sodium_free(bytes_);
    bytes_ = std::exchange(other.bytes_, nullptr);
  }
  return *this;
}

// sodium_free wipes the buffer before it unmaps it.
SecretKey::~SecretKey() { sodium_free(bytes_); }

Identity::Identity(SecretKey secret, PublicKey public_key, std::string comment)
    : secret_(std::move(secret)), public_key_(public_key), comment_(std::move(comment)) {}

Identity Identity::generate(std::string comment) {
  ensure_sodium();
  SecretKey secret;
  PublicKey public_key;
  crypto_sign_keypair(public_key.data(), secret.data());
  return Identity(std::move(secret), public_key, std::move(comment));
}

std::string Identity::public_blob() const {
  std::string blob;
  blob.reserve(4 + key_type.size() + 4 + public_key_.size());
  put_string(blob, key_type);
  put_string(blob, {reinterpret_cast<const char*>(public_key_.data()), public_key_.size()});
  return blob;
}

std::string Identity::fingerprint() const { return fingerprint_of(as_bytes(public_blob())); }

std::string Identity::public_line() const {
  std::string line = std::string(key_type) + " " + base64(as_bytes(public_blob()));
  if (!comment_.empty()) line += " " + comment_;
  return line;
}

Signature Identity::sign(Bytes message) const {
  ensure_sodium();
  Signature signature;
  crypto_sign_detached(signature.data(), nullptr, message.data(), message.size(), secret_.data());
  return signature;
}

Identity load_identity(const std::filesystem::path& key_file) {
  Wiped<std::string> text;
  read_key_file(key_file, *text);
  try {
    return parse_openssh_private_key(*text);
  } catch (const EncryptedKeyError& error) {
    throw unreadable_key(key_file, std::string(error.what()) + " (ssh-keygen -p -N '' -f " +
                                   key_file.string() + ")");
  } catch (const KeyFormatError& error) {
    throw unreadable_key(key_file, error.what());
  }
}

bool save_identity(const Identity& identity, const std::filesystem::path& key_file,
                   bool overwrite) {
  ensure_sodium();
  Wiped<std::string> text(format_openssh_private_key(identity, randombytes_random()));
  std::filesystem::path public_file = key_file;
  public_file += ".pub";
  try {
    create_directories(key_file.parent_path(), 0700);
    if (overwrite) {
      write_key_file(key_file, *text);
    } else if (!create_key_file(key_file, *text)) {
      return false;
    }
    // Only the process whose key is on disk writes its .pub. Another that
    // finds the key before the .pub reads the public half from the key.
    write_file_atomically(public_file, identity.public_line() + "\n", 0644);
  } catch (const std::system_error& error) {
    throw Failure(ExitCode::cant_create,
                  "cannot write identity key '" + key_file.string() + "': " + error.what());
  }
  return true;
}

std::optional<std::string> public_file_mismatch(const Identity& identity,
                                                const std::filesystem::path& key_file) {
  std::filesystem::path public_file = key_file;
  public_file += ".pub";
  std::optional<std::string> line;
  try {
    line = read_bounded_file_if_exists(public_file, kMaxSystemFileSize, Symlinks::follow);
  } catch (const std::system_error&) {
    return std::nullopt;
  }
  if (!line) return std::nullopt;
  const std::string own = identity.public_blob();
  const auto blob = public_blob_of(*line);
  if (blob && std::ranges::equal(*blob, as_bytes(own))) return std::nullopt;
  return "'" + public_file.string() + "' does not match the identity key '" + key_file.string() +
         "': it holds " + (blob ? fingerprint_of(*blob) : std::string("no public key")) +
         ", the key is " + identity.fingerprint() + "; pharos-pulse uses the key (write the .pub "
         "again with 'ssh-keygen -y -f " + key_file.string() + " > " + public_file.string() + "')";
}

std::string default_key_comment(std::string_view hostname) {
  return "pharos-pulse@" + std::string(hostname);
}

Identity load_or_create_identity(const std::filesystem::path& key_file,
                                 const std::function<std::string()>& hostname) {
  std::error_code unreachable_counts_as_absent;
  const auto status = std::filesystem::symlink_status(key_file, unreachable_counts_as_absent);
  if (!std::filesystem::exists(status)) {
    Identity identity = Identity::generate(default_key_comment(hostname()));
    if (save_identity(identity, key_file, false)) {
      log::info("created identity key " + key_file.string() + " (" + identity.fingerprint() + ")");
      return identity;
    }
  }
  // Also when another process (first boot: run and enroll) created it a
  // moment ago: every process must use the one key on disk.
  return load_identity(key_file);
}

}  // namespace pulse
