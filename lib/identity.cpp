#include "identity.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <stdexcept>
#include <system_error>

#include "failure.h"
#include "files.h"
#include "log.h"
#include "openssh_key.h"

namespace pulse {
namespace {

constexpr std::string_view key_type = "ssh-ed25519";
// Far above an Ed25519 key file (about 400 bytes): a wrong path must not pull
// a large file into memory.
constexpr off_t max_key_file_size = 64 * 1024;

void put_string(std::string& out, std::string_view data) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(data.size() >> shift));
  out.append(data);
}

struct Closer {
  int fd;
  ~Closer() { ::close(fd); }
};

Failure unreadable(const std::filesystem::path& key_file, const std::string& reason) {
  return Failure(ExitCode::configuration,
                 "cannot read identity key '" + key_file.string() + "': " + reason);
}

// Reads through one descriptor, so the mode check and the read see the same
// file, into a buffer sized once, so no unwiped copy of the key is freed.
void read_key_file(const std::filesystem::path& key_file, std::string& text) {
  const std::string name = key_file.string();
  // O_NONBLOCK: a FIFO at the key path must not hang the open.
  const int fd = ::open(key_file.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0 && errno == ENOENT) {
    throw Failure(ExitCode::configuration,
                  "no identity key at '" + name + "'; create one with 'pharos-pulse keygen'");
  }
  if (fd < 0) throw unreadable(key_file, std::generic_category().message(errno));
  const Closer closer{fd};

  struct stat status {};
  if (::fstat(fd, &status) != 0) throw unreadable(key_file, std::generic_category().message(errno));
  if (!S_ISREG(status.st_mode)) throw unreadable(key_file, "not a regular file");
  if ((status.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(status.st_mode & 07777));
    throw Failure(ExitCode::configuration, "identity key '" + name + "' is readable by others (mode " +
                                               mode + "); run 'chmod 600 " + name + "'");
  }
  if (status.st_size > max_key_file_size) throw unreadable(key_file, "the file is too large for a key");

  text.resize(static_cast<std::size_t>(status.st_size));
  std::size_t filled = 0;
  while (filled < text.size()) {
    const ssize_t got = ::read(fd, text.data() + filled, text.size() - filled);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) throw unreadable(key_file, std::generic_category().message(errno));
    if (got == 0) break;
    filled += static_cast<std::size_t>(got);
  }
  text.resize(filled);
}

}  // namespace

void ensure_sodium() {
  static const bool ready = sodium_init() >= 0;
  if (!ready) throw std::runtime_error("cannot initialise libsodium");
}

void wipe_memory(void* data, std::size_t size) { sodium_memzero(data, size); }

SecretKey::SecretKey() = default;

SecretKey::SecretKey(SecretKey&& other) noexcept : bytes_(other.bytes_) {
  sodium_memzero(other.bytes_.data(), other.bytes_.size());
}

SecretKey& SecretKey::operator=(SecretKey&& other) noexcept {
  if (this != &other) {
    bytes_ = other.bytes_;
    sodium_memzero(other.bytes_.data(), other.bytes_.size());
  }
  return *this;
}

SecretKey::~SecretKey() { sodium_memzero(bytes_.data(), bytes_.size()); }

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

std::string Identity::fingerprint() const {
  const std::string blob = public_blob();
  std::array<std::uint8_t, crypto_hash_sha256_BYTES> digest;
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(blob.data()),
                     blob.size());
  return "SHA256:" + base64_unpadded(digest);
}

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
    throw unreadable(key_file, std::string(error.what()) + " (ssh-keygen -p -N '' -f " +
                                   key_file.string() + ")");
  } catch (const KeyFormatError& error) {
    throw unreadable(key_file, error.what());
  }
}

void save_identity(const Identity& identity, const std::filesystem::path& key_file,
                   bool overwrite) {
  struct stat status {};
  if (!overwrite && ::lstat(key_file.c_str(), &status) == 0) {
    throw Failure(ExitCode::cant_create, "identity key '" + key_file.string() +
                                             "' already exists; use --force to replace it");
  }
  ensure_sodium();
  Wiped<std::string> text(format_openssh_private_key(identity, randombytes_random()));
  std::filesystem::path public_file = key_file;
  public_file += ".pub";
  try {
    create_directories(key_file.parent_path(), 0700);
    // The public half first, so a private key on disk always has its .pub.
    write_file_atomically(public_file, identity.public_line() + "\n", 0644);
    write_file_atomically(key_file, *text, 0600);
  } catch (const std::system_error& error) {
    throw Failure(ExitCode::cant_create,
                  "cannot write identity key '" + key_file.string() + "': " + error.what());
  }
}

std::string default_key_comment(std::string_view hostname) {
  return "pharos-pulse@" + std::string(hostname);
}

Identity load_or_create_identity(const std::filesystem::path& key_file,
                                 const std::function<std::string()>& hostname) {
  if (std::filesystem::exists(key_file)) return load_identity(key_file);
  Identity identity = Identity::generate(default_key_comment(hostname()));
  save_identity(identity, key_file, false);
  log::info("created identity key " + key_file.string() + " (" + identity.fingerprint() + ")");
  return identity;
}

}  // namespace pulse
