// RFC 9530 Content-Digest and RFC 9421 HTTP Message Signatures, exactly as
// contract §4 profiles them. Shared by presence and enrollment requests.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "identity.h"

namespace pulse {

// "sha-256=:<base64 of SHA-256(body)>:"
std::string content_digest(std::string_view body);

struct SignatureParameters {
  std::int64_t created;  // unix seconds
  std::string keyid;     // the key's SHA256: fingerprint
  std::string nonce;     // ≥128 random bits, base64url
};

// The inner list after "pulse=" in Signature-Input:
// ("@method" "@authority" "@path" "content-type" "content-digest" "idempotency-key")
//   ;created=…;keyid="…";alg="ed25519";nonce="…";tag="pharos-pulse"
std::string signature_params(const SignatureParameters& parameters);

struct CoveredComponents {
  std::string_view method;
  std::string_view authority;  // "hub.example:8443": lowercase, no default port
  std::string_view path;
  std::string_view content_type;
  std::string_view content_digest;
  std::string_view idempotency_key;
};

// RFC 9421 §2.5: one line per covered component, then "@signature-params",
// joined by LF with no trailing newline.
std::string signature_base(const CoveredComponents& components, std::string_view params);

struct SignatureHeaders {
  std::string content_digest;
  std::string signature_input;  // "pulse=(…);…"
  std::string signature;        // "pulse=:<base64>:"
};

// What a signature binds besides the body: the request and the server it is for.
struct MessageTarget {
  std::string_view method;
  std::string_view authority;
  std::string_view path;
  std::string_view content_type;
  std::string_view idempotency_key;
};

SignatureHeaders sign_message(const Identity& identity, const MessageTarget& target,
                              std::string_view body, const SignatureParameters& parameters);

}  // namespace pulse
