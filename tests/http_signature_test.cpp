#include "http_signature.h"

#include <sodium.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

#include "encoding.h"
#include "signature_vector.h"

namespace tv = pulse::test_vector;

namespace {

bool verifies(const pulse::Identity& identity, const std::string& base,
              const std::string& signature_header) {
  const std::string inner = signature_header.substr(std::string("pulse=:").size());
  auto raw = pulse::decode_base64(inner.substr(0, inner.size() - 1));
  REQUIRE(raw);
  REQUIRE(raw->size() == crypto_sign_BYTES);
  return crypto_sign_verify_detached(raw->data(),
                                     reinterpret_cast<const unsigned char*>(base.data()),
                                     base.size(), identity.public_key().data()) == 0;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

pulse::MessageTarget vector_target(std::string_view path = tv::kPath) {
  return {"POST", tv::kAuthority, path, "application/json", tv::kIdempotencyKey};
}

const pulse::SignatureParameters kVectorParameters{tv::kCreated, tv::kFingerprint, tv::kNonce};

}  // namespace

TEST_CASE("http signature: the test vector key", "[http_signature]") {
  const pulse::Identity identity = tv::identity();
  CHECK(identity.public_line() == tv::kPublicLine);
  CHECK(identity.fingerprint() == tv::kFingerprint);
}

TEST_CASE("http signature: content digest is RFC 9530 sha-256", "[http_signature]") {
  CHECK(pulse::content_digest(tv::kBody) == tv::kContentDigest);
  // SHA-256 of the empty string, base64.
  CHECK(pulse::content_digest("") == "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:");
  CHECK(pulse::content_digest(tv::kBody + " ") != tv::kContentDigest);
}

TEST_CASE("http signature: signature params of the vector", "[http_signature]") {
  CHECK(pulse::signature_params({tv::kCreated, tv::kFingerprint, tv::kNonce}) ==
        tv::kSignatureParams);
}

TEST_CASE("http signature: signature base of the vector", "[http_signature]") {
  const std::string base = pulse::signature_base(
      {"POST", tv::kAuthority, tv::kPath, "application/json", tv::kContentDigest,
       tv::kIdempotencyKey},
      tv::kSignatureParams);
  CHECK(base == tv::kSignatureBase);
  CHECK(base.back() != '\n');
  CHECK(std::count(base.begin(), base.end(), '\n') == 6);
}

TEST_CASE("http signature: sign_message gives the vector's headers exactly", "[http_signature]") {
  const pulse::Identity identity = tv::identity();
  const pulse::SignatureHeaders headers =
      pulse::sign_message(identity, vector_target(), tv::kBody, kVectorParameters);
  CHECK(headers.content_digest == tv::kContentDigest);
  CHECK(headers.signature_input == tv::kSignatureInput);
  CHECK(headers.signature == tv::kSignature);
  CHECK(verifies(identity, tv::kSignatureBase, headers.signature));
}

TEST_CASE("http signature: the path prefix is covered by the signature", "[http_signature]") {
  const pulse::Identity identity = tv::identity();
  const pulse::SignatureHeaders headers =
      pulse::sign_message(identity, vector_target(tv::kPrefixedPath), tv::kBody, kVectorParameters);
  CHECK(headers.signature == tv::kPrefixedSignature);
  CHECK(headers.signature_input == tv::kSignatureInput);
  std::string base = tv::kSignatureBase;
  base.replace(base.find("/v1/presence"), 12, tv::kPrefixedPath);
  CHECK(verifies(identity, base, headers.signature));
  CHECK_FALSE(verifies(identity, tv::kSignatureBase, headers.signature));
}

TEST_CASE("http signature: every covered part changes the signature", "[http_signature]") {
  const pulse::Identity identity = tv::identity();
  const auto signature = [&](pulse::MessageTarget target, const std::string& body = tv::kBody,
                             pulse::SignatureParameters parameters = kVectorParameters) {
    return pulse::sign_message(identity, target, body, parameters).signature;
  };
  const std::string reference = signature(vector_target());
  const auto changed = [&](auto change) {
    pulse::MessageTarget target = vector_target();
    change(target);
    return signature(target);
  };
  CHECK(changed([](auto& t) { t.method = "PUT"; }) != reference);
  CHECK(changed([](auto& t) { t.path = "/v1/enroll"; }) != reference);
  CHECK(changed([](auto& t) { t.content_type = "text/plain"; }) != reference);
  CHECK(signature(vector_target(), tv::kBody + " ") != reference);
  CHECK(signature(vector_target(), tv::kBody, {tv::kCreated + 1, tv::kFingerprint, tv::kNonce}) !=
        reference);
  CHECK(signature(vector_target(), tv::kBody,
                  {tv::kCreated, tv::kFingerprint, "AAAAAAAAAAAAAAAAAAAAAA"}) != reference);
  // Signed for one server, the request does not verify at another, and the
  // idempotency key cannot be swapped (issue 14).
  CHECK(changed([](auto& t) { t.authority = "other.example:8443"; }) != reference);
  CHECK(changed([](auto& t) { t.authority = "hub.example:9443"; }) != reference);
  CHECK(changed([](auto& t) { t.idempotency_key = "AAAAAAAAAAAAAAAAAAAAAA"; }) != reference);
}

TEST_CASE("http signature: docs/PROTOCOL.md publishes the same vector", "[http_signature]") {
  const std::string doc = read_text(PULSE_TEST_DATA "/../../docs/PROTOCOL.md");
  for (const std::string& value :
       {tv::kSeedHex, tv::kPublicLine, tv::kFingerprint, tv::kBody, std::to_string(tv::kCreated),
        tv::kNonce, tv::kIdempotencyKey, "these " + std::to_string(tv::kBody.size()) + " bytes", "Content-Digest: " + tv::kContentDigest,
        "Signature-Input: " + tv::kSignatureInput, "Signature: " + tv::kSignature,
        tv::kSignatureBase + "\n```", "Signature: " + tv::kPrefixedSignature}) {
    INFO(value);
    CHECK(doc.find(value) != std::string::npos);
  }
}
