#include "http_signature.h"

#include <sodium.h>

#include <array>

#include "encoding.h"

namespace pulse {

std::string content_digest(std::string_view body) {
  std::array<std::uint8_t, crypto_hash_sha256_BYTES> hash{};
  crypto_hash_sha256(hash.data(), reinterpret_cast<const unsigned char*>(body.data()),
                     body.size());
  return "sha-256=:" + base64(hash) + ":";
}

std::string signature_params(const SignatureParameters& parameters) {
  // keyid and nonce are sf-strings; fingerprints and base64url never need escaping.
  return R"(("@method" "@authority" "@path" "content-type" "content-digest" "idempotency-key"))"
         ";created=" +
         std::to_string(parameters.created) + ";keyid=\"" + parameters.keyid +
         "\";alg=\"ed25519\";nonce=\"" + parameters.nonce + "\";tag=\"pharos-pulse\"";
}

std::string signature_base(const CoveredComponents& components, std::string_view params) {
  std::string base;
  base += "\"@method\": ";
  base += components.method;
  base += "\n\"@authority\": ";
  base += components.authority;
  base += "\n\"@path\": ";
  base += components.path;
  base += "\n\"content-type\": ";
  base += components.content_type;
  base += "\n\"content-digest\": ";
  base += components.content_digest;
  base += "\n\"idempotency-key\": ";
  base += components.idempotency_key;
  base += "\n\"@signature-params\": ";
  base += params;
  return base;
}

SignatureHeaders sign_message(const Identity& identity, const MessageTarget& target,
                              std::string_view body, const SignatureParameters& parameters) {
  SignatureHeaders headers;
  headers.content_digest = content_digest(body);
  const std::string params = signature_params(parameters);
  const std::string base =
      signature_base({target.method, target.authority, target.path, target.content_type,
                      headers.content_digest, target.idempotency_key},
                     params);
  headers.signature_input = "pulse=" + params;
  headers.signature = "pulse=:" + base64(identity.sign(as_bytes(base))) + ":";
  return headers;
}

}  // namespace pulse
