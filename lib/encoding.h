// Base64 in the variants the wire formats need, on top of libsodium.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pulse {

using Bytes = std::span<const std::uint8_t>;

std::string base64(Bytes data);                  // RFC 4648 §4, padded
std::string base64_unpadded(Bytes data);         // OpenSSH fingerprints
std::string base64url_unpadded(Bytes data);      // event ids and nonces
std::optional<std::vector<std::uint8_t>> decode_base64(std::string_view text);  // padded

inline Bytes as_bytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

}  // namespace pulse
