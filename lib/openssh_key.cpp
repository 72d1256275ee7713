#include "openssh_key.h"

#include <sodium.h>

#include <algorithm>
#include <vector>

#include "encoding.h"
#include "secret.h"

namespace pulse {
namespace {

constexpr std::string_view begin_line = "-----BEGIN OPENSSH PRIVATE KEY-----";
constexpr std::string_view end_line = "-----END OPENSSH PRIVATE KEY-----";
constexpr std::string_view magic{"openssh-key-v1\0", 15};
constexpr std::string_view key_type = "ssh-ed25519";
constexpr std::string_view none = "none";
// Cipher "none" pads the private section to 8 bytes.
constexpr std::size_t block_size = 8;
constexpr std::size_t line_width = 70;
constexpr std::string_view ed25519_hint = "pharos-pulse needs an Ed25519 key (ssh-keygen -t ed25519)";

bool same(Bytes bytes, std::string_view text) { return std::ranges::equal(bytes, as_bytes(text)); }

std::string_view as_text(Bytes bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// Bounds-checked reading of the SSH wire encoding (RFC 4251 §5): every read
// that would run past the end is a truncated key, never an overrun.
class Reader {
 public:
  explicit Reader(Bytes data) : data_(data) {}

  Bytes bytes(std::size_t count) {
    if (count > data_.size()) throw KeyFormatError("malformed key: the data is truncated");
    Bytes out = data_.first(count);
    data_ = data_.subspan(count);
    return out;
  }
  std::uint32_t u32() {
    Bytes b = bytes(4);
    return std::uint32_t{b[0]} << 24 | std::uint32_t{b[1]} << 16 | std::uint32_t{b[2]} << 8 | b[3];
  }
  Bytes string() { return bytes(u32()); }
  std::string_view text() { return as_text(string()); }
  Bytes rest() { return bytes(data_.size()); }
  bool empty() const { return data_.empty(); }

 private:
  Bytes data_;
};

void put_u32(std::vector<std::uint8_t>& out, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(value >> shift));
}

void put_string(std::vector<std::uint8_t>& out, Bytes data) {
  put_u32(out, static_cast<std::uint32_t>(data.size()));
  out.insert(out.end(), data.begin(), data.end());
}

std::string_view trim(std::string_view text) {
  constexpr std::string_view blanks = " \t\r\n";
  const std::size_t first = text.find_first_not_of(blanks);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(blanks) - first + 1);
}

std::string_view next_line(std::string_view& text) {
  const std::size_t end = text.find('\n');
  const std::string_view line = text.substr(0, end);
  text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
  return trim(line);
}

// OpenSSH 9.2's ssh-keygen reads no PKCS#8 Ed25519 key (openssl genpkey's),
// so the advice names a converter that does.
constexpr std::string_view pkcs8_ed25519_advice =
    "not an OpenSSH key but an Ed25519 key in PKCS#8 PEM; pharos-pulse needs it in the OpenSSH "
    "format, which ssh-keygen cannot convert it to: convert it with Python's cryptography "
    "(python3-cryptography; see KEYS in pharos-pulse(1)) or make a new key with 'pharos-pulse "
    "keygen --force'";

// A PKCS#8 body starts with the algorithm's OID; Ed25519's (1.3.101.112)
// puts "BQYDK2Vw" into its first base64 characters.
bool is_pkcs8_ed25519(std::string_view body) {
  return next_line(body).substr(0, 24).find("BQYDK2Vw") != std::string_view::npos;
}

// Names what the file is instead, so the message says what to do about it.
[[noreturn]] void refuse_other_format(std::string_view first_line, std::string_view rest) {
  if (first_line == "-----BEGIN PRIVATE KEY-----" && is_pkcs8_ed25519(rest)) {
    throw KeyFormatError(std::string(pkcs8_ed25519_advice));
  }
  struct Pem {
    std::string_view line;
    std::string_view what;
  };
  static constexpr Pem pem_keys[] = {
      {"-----BEGIN RSA PRIVATE KEY-----", "a PEM RSA key; RSA keys are not supported"},
      {"-----BEGIN EC PRIVATE KEY-----", "a PEM ECDSA key; ECDSA keys are not supported"},
      {"-----BEGIN DSA PRIVATE KEY-----", "a PEM DSA key; DSA keys are not supported"},
      {"-----BEGIN PRIVATE KEY-----", "a PKCS#8 key"},
      {"-----BEGIN ENCRYPTED PRIVATE KEY-----", "an encrypted PKCS#8 key"},
  };
  for (const Pem& pem : pem_keys) {
    if (first_line == pem.line) {
      throw KeyFormatError("not an OpenSSH key but " + std::string(pem.what) + "; " +
                           std::string(ed25519_hint));
    }
  }
  if (is_public_key_text(first_line)) throw KeyFormatError(std::string(kPublicKeyRefusal));
  if (first_line.empty()) throw KeyFormatError("the file is empty");
  throw KeyFormatError("not an OpenSSH private key (no '" + std::string(begin_line) + "' line)");
}

// Decodes the base64 between the BEGIN and END lines into `blob`.
void dearmour(std::string_view armoured, std::vector<std::uint8_t>& blob) {
  std::string_view text = trim(armoured);
  const std::string_view first = next_line(text);
  if (first != begin_line) refuse_other_format(first, text);

  Wiped<std::string> base64_text;
  base64_text->reserve(text.size());
  for (;;) {
    if (text.empty()) {
      throw KeyFormatError("the key is truncated (no '" + std::string(end_line) + "' line)");
    }
    const std::string_view line = next_line(text);
    if (line == end_line) break;
    base64_text->append(line);
  }
  if (!text.empty()) throw KeyFormatError("malformed key: unexpected text after the END line");

  // Decoded here rather than with decode_base64() so that no buffer holding
  // secret bytes is freed unwiped, on the error path included.
  blob.resize(base64_text->size() / 4 * 3 + 3);
  std::size_t length = 0;
  const char* end = nullptr;
  if (sodium_base642bin(blob.data(), blob.size(), base64_text->data(), base64_text->size(), nullptr,
                        &length, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != base64_text->data() + base64_text->size()) {
    throw KeyFormatError("malformed key: the base64 text is corrupt");
  }
  blob.resize(length);
}

// A key type read from the file may be any bytes; quote it only if printable.
void check_key_type(std::string_view type) {
  if (type == key_type) return;
  const bool printable = type.size() <= 64 && std::ranges::all_of(type, [](char c) {
                           return c > ' ' && c < 0x7f;
                         });
  const std::string name = printable ? "'" + std::string(type) + "'" : "(unprintable name)";
  throw KeyFormatError("unsupported key type " + name + "; " + std::string(ed25519_hint));
}

PublicKey parse_public_blob(Bytes blob) {
  Reader in(blob);
  check_key_type(in.text());
  const Bytes key = in.string();
  if (key.size() != PublicKey{}.size() || !in.empty()) {
    throw KeyFormatError("malformed key: the public key is not 32 bytes");
  }
  PublicKey public_key;
  std::ranges::copy(key, public_key.begin());
  return public_key;
}

void check_padding(Bytes padding) {
  bool good = padding.size() < block_size;
  for (std::size_t i = 0; good && i < padding.size(); ++i) good = padding[i] == static_cast<std::uint8_t>(i + 1);
  if (!good) throw KeyFormatError("malformed key: bad padding after the private key");
}

Identity parse_private_section(Bytes section, const PublicKey& public_key) {
  if (section.empty() || section.size() % block_size != 0) {
    throw KeyFormatError("malformed key: the private section is not padded to 8 bytes");
  }
  Reader in(section);
  const std::uint32_t check1 = in.u32();
  const std::uint32_t check2 = in.u32();
  if (check1 != check2) throw KeyFormatError("malformed key: the check integers differ");
  if (in.text() != key_type) {
    throw KeyFormatError("malformed key: the private key's type differs from the public key's");
  }
  const Bytes public_half = in.string();
  const Bytes secret_bytes = in.string();
  if (public_half.size() != public_key.size() || secret_bytes.size() != SecretKey::size()) {
    throw KeyFormatError("malformed key: the private key has the wrong size");
  }
  std::string comment(as_text(in.string()));
  check_padding(in.rest());

  SecretKey secret;
  std::ranges::copy(secret_bytes, secret.data());
  // libsodium signs with the public half stored in the secret key, so both
  // stored copies must equal the one derived from the seed.
  ensure_sodium();
  PublicKey derived;
  SecretKey scratch;
  crypto_sign_seed_keypair(derived.data(), scratch.data(), secret.data());
  if (derived != public_key || !std::ranges::equal(public_half, public_key) ||
      !std::ranges::equal(secret_bytes.subspan(32), public_key)) {
    throw KeyFormatError("the public key does not match the private key");
  }
  return Identity(std::move(secret), public_key, std::move(comment));
}

}  // namespace

bool is_public_key_text(std::string_view text) {
  text = trim(text);
  return text.starts_with("ssh-") || text.starts_with("ecdsa-") ||
         text.starts_with("sk-ssh-") || text.starts_with("sk-ecdsa-");
}

Identity parse_openssh_private_key(std::string_view armoured) {
  Wiped<std::vector<std::uint8_t>> blob;
  dearmour(armoured, *blob);

  Reader in(*blob);
  if (!same(in.bytes(magic.size()), magic)) {
    throw KeyFormatError("not an OpenSSH private key (no openssh-key-v1 header)");
  }
  const std::string_view cipher = in.text();
  const std::string_view kdf = in.text();
  const Bytes kdf_options = in.string();
  const std::uint32_t key_count = in.u32();
  if (key_count != 1) {
    throw KeyFormatError("the file holds " + std::to_string(key_count) +
                         " keys; pharos-pulse needs exactly one");
  }
  // The key type is checked first: removing a passphrase cannot make an RSA
  // key usable.
  const PublicKey public_key = parse_public_blob(in.string());
  if (cipher != none) {
    throw EncryptedKeyError(
        "the key is encrypted with a passphrase; pharos-pulse needs an unencrypted key");
  }
  if (kdf != none || !kdf_options.empty()) {
    throw KeyFormatError("malformed key: an unencrypted key names a key derivation");
  }
  const Bytes section = in.string();
  if (!in.empty()) throw KeyFormatError("malformed key: unexpected data after the private section");
  return parse_private_section(section, public_key);
}

std::string format_openssh_private_key(const Identity& identity, std::uint32_t check) {
  const std::string public_blob = identity.public_blob();
  const std::string& comment = identity.comment();
  const std::size_t unpadded = 4 + 4 + (4 + key_type.size()) + (4 + identity.public_key().size()) +
                               (4 + SecretKey::size()) + (4 + comment.size());
  const std::size_t padding = (block_size - unpadded % block_size) % block_size;
  const std::size_t section = unpadded + padding;

  // Reserved to the exact size: growing would free an unwiped copy.
  Wiped<std::vector<std::uint8_t>> blob;
  blob->reserve(magic.size() + 3 * 4 + 2 * none.size() + 4 + (4 + public_blob.size()) +
                (4 + section));
  blob->insert(blob->end(), magic.begin(), magic.end());
  put_string(*blob, as_bytes(none));
  put_string(*blob, as_bytes(none));
  put_string(*blob, {});
  put_u32(*blob, 1);
  put_string(*blob, as_bytes(public_blob));
  put_u32(*blob, static_cast<std::uint32_t>(section));
  put_u32(*blob, check);
  put_u32(*blob, check);
  put_string(*blob, as_bytes(key_type));
  put_string(*blob, identity.public_key());
  put_string(*blob, {identity.secret_key().data(), SecretKey::size()});
  put_string(*blob, as_bytes(comment));
  for (std::size_t i = 1; i <= padding; ++i) blob->push_back(static_cast<std::uint8_t>(i));

  Wiped<std::string> encoded(base64(*blob));
  std::string out;
  out.reserve(begin_line.size() + encoded->size() + encoded->size() / line_width + end_line.size() +
              3);
  out.append(begin_line).push_back('\n');
  for (std::size_t i = 0; i < encoded->size(); i += line_width) {
    out.append(*encoded, i, line_width).push_back('\n');
  }
  out.append(end_line).push_back('\n');
  return out;
}

}  // namespace pulse
