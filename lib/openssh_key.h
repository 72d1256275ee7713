// OpenSSH's private-key container (PROTOCOL.key), unencrypted Ed25519 only.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "identity.h"

namespace pulse {

// Why a key file could not be read; the caller adds the path and exit code.
class KeyFormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A passphrase-protected key: told apart so the caller can name the file in
// the ssh-keygen command that removes the passphrase.
class EncryptedKeyError : public KeyFormatError {
 public:
  using KeyFormatError::KeyFormatError;
};

// Whether `text` is a public key (a .pub file's "ssh-ed25519 AAAA… comment")
// where a private key was expected; said before any advice about the mode a
// private key needs.
bool is_public_key_text(std::string_view text);
inline constexpr std::string_view kPublicKeyRefusal =
    "this is a public key; give the private key file (without .pub)";

// Parses "-----BEGIN OPENSSH PRIVATE KEY-----" armoured text. The text holds
// the secret key, so the caller wipes it.
Identity parse_openssh_private_key(std::string_view armoured);

// Serialises `identity` in the same armour (70-column base64 lines, as
// ssh-keygen writes). `check` is the random check integer. The result holds
// the secret key: keep it in a Wiped<std::string>.
std::string format_openssh_private_key(const Identity& identity, std::uint32_t check);

}  // namespace pulse
