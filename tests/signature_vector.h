// The fixed signing example published in docs/PROTOCOL.md ("Worked
// example"): a known key, body, created and nonce give exactly these headers.
// tests/integration/test_send.py checks the same values with Node's crypto.
#pragma once

#include <sodium.h>

#include <cstdint>
#include <string>

#include "identity.h"
#include "secret.h"

namespace pulse::test_vector {

// Seed bytes 0x00, 0x01, …, 0x1f.
inline Identity identity() {
  ensure_sodium();
  unsigned char seed[crypto_sign_SEEDBYTES];
  for (unsigned i = 0; i < sizeof seed; ++i) seed[i] = static_cast<unsigned char>(i);
  SecretKey secret;
  PublicKey public_key;
  crypto_sign_seed_keypair(public_key.data(), secret.data(), seed);
  return Identity(std::move(secret), public_key, "pharos-pulse@web-01");
}

inline const std::string kSeedHex =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
inline const std::string kPublicLine =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4 "
    "pharos-pulse@web-01";
inline const std::string kFingerprint = "SHA256:lbmsoA0yIEcEiVDRnMWuzm+nV+3ZEEpVIURqFoeSspg";

inline const std::string kBody =
    R"j({"event":"HEARTBEAT","identity":{"hw_uuid":"3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b",)j"
    R"j("hostname":"web-01","ssh_pubkey_fingerprint":"SHA256:lbmsoA0yIEcEiVDRnMWuzm+nV+3ZEEpVIURqFoeSspg"},)j"
    R"j("metadata":{"os_family":"linux","os_version":"Debian GNU/Linux 12 (bookworm)",)j"
    R"j("kernel_version":"6.1.0-27-amd64","platform":"kvm","local_ips":["192.0.2.10","2001:db8::10"]},)j"
    R"j("timestamp":"2026-11-28T10:52:29.123Z"})j";
inline constexpr std::int64_t kCreated = 1795863149;  // 2026-11-28T10:52:29Z
inline const std::string kNonce = "ICEiIyQlJicoKSorLC0uLw";           // bytes 0x20…0x2f
inline const std::string kIdempotencyKey = "MDEyMzQ1Njc4OTo7PD0-Pw";  // bytes 0x30…0x3f
inline const std::string kPath = "/v1/presence";
inline const std::string kAuthority = "hub.example:8443";  // https://hub.example:8443

inline const std::string kContentDigest = "sha-256=:ixFsdx8ypRnpfTf3di37acN62GFBGr9wW1AYDIF/YKQ=:";
inline const std::string kSignatureParams =
    R"(("@method" "@authority" "@path" "content-type" "content-digest" "idempotency-key");)"
    R"(created=1795863149;)"
    R"(keyid="SHA256:lbmsoA0yIEcEiVDRnMWuzm+nV+3ZEEpVIURqFoeSspg";alg="ed25519";)"
    R"(nonce="ICEiIyQlJicoKSorLC0uLw";tag="pharos-pulse")";
inline const std::string kSignatureInput = "pulse=" + kSignatureParams;
inline const std::string kSignatureBase =
    "\"@method\": POST\n"
    "\"@authority\": hub.example:8443\n"
    "\"@path\": /v1/presence\n"
    "\"content-type\": application/json\n"
    "\"content-digest\": sha-256=:ixFsdx8ypRnpfTf3di37acN62GFBGr9wW1AYDIF/YKQ=:\n"
    "\"idempotency-key\": MDEyMzQ1Njc4OTo7PD0-Pw\n"
    "\"@signature-params\": " + kSignatureParams;
inline const std::string kSignature =
    "pulse=:vVNU5O55ZIoYZGQjqoVzVIxplD35GRkKOmBhj8ReCw3wA2MHzqY1yEtw9ic6kmIlPVA+VUfi7W4piZsufYMiBw==:";

// The same request to a server whose URL has the path prefix /pharos.
inline const std::string kPrefixedPath = "/pharos/v1/presence";
inline const std::string kPrefixedSignature =
    "pulse=:ipJb4H3UmHODKwLnmgf2e1F0dyw5R7ZpH+ef2e5fM6tyF+Ei/YvUF8kDA64l12h+jaGV14qPBK8lZlSdFwx/Cg==:";

}  // namespace pulse::test_vector
