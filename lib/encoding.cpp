#include "encoding.h"

#include <sodium.h>

namespace pulse {
namespace {

std::string encode(Bytes data, int variant) {
  std::string out(sodium_base64_encoded_len(data.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), data.data(), data.size(), variant);
  out.resize(out.size() - 1);  // libsodium counts the terminating NUL
  return out;
}

}  // namespace

std::string base64(Bytes data) { return encode(data, sodium_base64_VARIANT_ORIGINAL); }

std::string base64_unpadded(Bytes data) {
  return encode(data, sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
}

std::string base64url_unpadded(Bytes data) {
  return encode(data, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

std::optional<std::vector<std::uint8_t>> decode_base64(std::string_view text) {
  std::vector<std::uint8_t> out(text.size() / 4 * 3 + 3);
  size_t length = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &length, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size()) {
    return std::nullopt;
  }
  out.resize(length);
  return out;
}

}  // namespace pulse
