#include "signed_request.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "event.h"
#include "presence_channel.h"
#include "signature_vector.h"

namespace tv = pulse::test_vector;
using Headers = std::vector<std::pair<std::string, std::string>>;

namespace {

std::string header(const pulse::HttpRequest& request, const std::string& name) {
  std::string found;
  int count = 0;
  for (const auto& [key, value] : request.headers) {
    if (key == name) {
      found = value;
      ++count;
    }
  }
  INFO(name);
  REQUIRE(count == 1);
  return found;
}

bool is_base64url(const std::string& text) {
  return text.find_first_not_of(
             "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
         std::string::npos;
}

}  // namespace

TEST_CASE("signed_request: the vector as a complete request", "[signed_request]") {
  const pulse::Identity identity = tv::identity();
  const pulse::ServerUrl server = pulse::parse_server_url("https://hub.example:8443");
  const pulse::HttpRequest request = pulse::build_signed_request(
      server, "/v1/presence", identity, tv::kBody, tv::kIdempotencyKey, {tv::kCreated, tv::kNonce});

  CHECK(request.url == "https://hub.example:8443/v1/presence");
  CHECK(request.body == tv::kBody);
  const Headers expected{
      {"Content-Type", "application/json"},
      {"Content-Digest", tv::kContentDigest},
      {"Signature-Input", tv::kSignatureInput},
      {"Signature", tv::kSignature},
      {"User-Agent", "pharos-pulse/" PULSE_VERSION},
      {"Idempotency-Key", tv::kIdempotencyKey},
  };
  CHECK(request.headers == expected);
}

TEST_CASE("signed_request: a path prefix is in the URL and the signed @path",
          "[signed_request]") {
  const pulse::Identity identity = tv::identity();
  const pulse::ServerUrl server = pulse::parse_server_url("https://hub.example:8443/pharos/");
  const pulse::HttpRequest request = pulse::build_signed_request(
      server, "/v1/presence", identity, tv::kBody, tv::kIdempotencyKey, {tv::kCreated, tv::kNonce});
  CHECK(request.url == "https://hub.example:8443/pharos/v1/presence");
  CHECK(header(request, "Signature") == tv::kPrefixedSignature);
  CHECK(header(request, "Signature-Input") == tv::kSignatureInput);
}

TEST_CASE("signed_request: dry-run text", "[signed_request]") {
  const pulse::Identity identity = tv::identity();
  const pulse::ServerUrl server = pulse::parse_server_url("https://hub.example:8443");
  const pulse::HttpRequest request = pulse::build_signed_request(
      server, "/v1/presence", identity, tv::kBody, tv::kIdempotencyKey, {tv::kCreated, tv::kNonce});
  const std::string expected = "POST https://hub.example:8443/v1/presence HTTP/1.1\n"
                               "Content-Type: application/json\n"
                               "Content-Digest: " + tv::kContentDigest + "\n"
                               "Signature-Input: " + tv::kSignatureInput + "\n"
                               "Signature: " + tv::kSignature + "\n"
                               "User-Agent: pharos-pulse/" PULSE_VERSION "\n"
                               "Idempotency-Key: " + tv::kIdempotencyKey + "\n"
                               "\n" + tv::kBody + "\n";
  CHECK(pulse::format_dry_run(request) == expected);
  CHECK(expected.find('\r') == std::string::npos);
}

TEST_CASE("signed_request: fresh parameters are now and random", "[signed_request]") {
  using namespace std::chrono;
  const auto before = duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
  const pulse::RequestFreshness first = pulse::fresh_request_parameters();
  const pulse::RequestFreshness second = pulse::fresh_request_parameters();
  const auto after = duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
  CHECK(first.created >= before);
  CHECK(second.created <= after);
  // 16 random bytes are 22 base64url characters: the contract's ≥128 bits.
  CHECK(first.nonce.size() == 22);
  CHECK(is_base64url(first.nonce));
  CHECK(first.nonce != second.nonce);
}

TEST_CASE("signed_request: each delivery of one event is signed afresh", "[signed_request]") {
  const pulse::Identity identity = tv::identity();
  pulse::HttpClient client(pulse::TransportSettings{});
  pulse::HttpsPresenceChannel channel(pulse::parse_server_url("https://hub.example/pharos"), client,
                                      identity);
  const pulse::StoredEvent event{tv::kIdempotencyKey, "2026-11-28T10:52:29.123Z", tv::kBody};
  std::set<std::string> nonces;
  for (int i = 0; i < 3; ++i) {
    const std::string text = channel.dry_run(event);
    CHECK(text.starts_with("POST https://hub.example/pharos/v1/presence HTTP/1.1\n"));
    CHECK(text.find("\nIdempotency-Key: " + tv::kIdempotencyKey + "\n") != std::string::npos);
    CHECK(text.ends_with("\n\n" + tv::kBody + "\n"));
    const auto at = text.find(";nonce=\"");
    REQUIRE(at != std::string::npos);
    nonces.insert(text.substr(at + 8, 22));
  }
  CHECK(nonces.size() == 3);
}
