#include "enrollment.h"

#include <sodium.h>

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <string>

#include "encoding.h"
#include "http_signature.h"

using pulse::EnrollmentResult;
using pulse::Identity;
using pulse::OutcomeKind;
using pulse::read_enrollment_answer;

namespace {

pulse::Metadata test_metadata() {
  pulse::Metadata metadata;
  metadata.hw_uuid = "4c4c4544-0042-3010-8057-b4c04f4e4e32";
  metadata.hostname = "web-01";
  metadata.os_family = "linux";
  metadata.os_version = "Debian GNU/Linux 12 (bookworm)";
  metadata.kernel_version = "6.1.0-18-amd64";
  metadata.platform = "kvm";
  metadata.local_ips = {"192.0.2.10", "2001:db8::10"};
  return metadata;
}

pulse::Inventory test_inventory() {
  pulse::Inventory inventory;
  inventory.os_name = "Debian GNU/Linux";
  inventory.cpu_cores = 4;
  inventory.mac_addrs = {"52:54:00:12:34:56"};
  return inventory;
}

pulse::Outcome answer(long status, std::string body) {
  return pulse::outcome_for_answer(status, std::move(body), std::nullopt, pulse::Clock::now());
}

const char* const kPin = "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

std::string header(const pulse::HttpRequest& request, const std::string& name) {
  for (const auto& [key, value] : request.headers) {
    if (key == name) return value;
  }
  FAIL("no header " << name);
  return "";
}

}  // namespace

TEST_CASE("enrollment: the enrollment body is the contract's object in its order", "[enrollment]") {
  const Identity identity = Identity::generate("pharos-pulse@web-01");
  const auto body = nlohmann::ordered_json::parse(pulse::enrollment_body(
      "t0ken", identity, test_metadata(), test_inventory(), "2026-11-28T10:52:29.123Z"));

  std::vector<std::string> keys;
  for (const auto& item : body.items()) keys.push_back(item.key());
  CHECK(keys == std::vector<std::string>{"token", "public_key", "identity", "metadata",
                                         "inventory", "timestamp"});
  CHECK(body["token"] == "t0ken");
  CHECK(body["public_key"] == identity.public_line());
  CHECK(body["identity"]["hostname"] == "web-01");
  CHECK(body["identity"]["ssh_pubkey_fingerprint"] == identity.fingerprint());
  CHECK(body["metadata"]["local_ips"].size() == 2);
  CHECK(body["inventory"] == nlohmann::ordered_json::parse(
                                 R"({"os_name":"Debian GNU/Linux","cpu_cores":4,)"
                                 R"("mac_addrs":["52:54:00:12:34:56"]})"));
  CHECK(body["timestamp"] == "2026-11-28T10:52:29.123Z");
}

TEST_CASE("enrollment: an answer that is not delivered passes through unchanged", "[enrollment]") {
  const EnrollmentResult result =
      read_enrollment_answer(answer(401, R"({"error":"token expired"})"), true);
  CHECK(result.outcome.kind == OutcomeKind::refused);
  CHECK(result.outcome.message == "server answered 401: token expired");
  CHECK_FALSE(result.answer.node_id);
}

TEST_CASE("enrollment: the fields of a 2xx answer are honoured", "[enrollment]") {
  const EnrollmentResult result = read_enrollment_answer(
      answer(201, std::string(R"({"node_id":"n-42","heartbeat_interval":"30m","pinned_pubkey":")") +
                      kPin + ";" + kPin + R"(","other":1})"),
      true);
  CHECK(result.outcome.kind == OutcomeKind::delivered);
  CHECK(result.answer.node_id == "n-42");
  CHECK(result.answer.heartbeat_interval == "30m");
  CHECK(result.answer.pinned_pubkey == std::string(kPin) + ";" + kPin);
}

TEST_CASE("enrollment: absent and null fields leave nothing to save", "[enrollment]") {
  const std::string body = GENERATE(
      "{}", R"({"node_id":null,"heartbeat_interval":null,"pinned_pubkey":null})");
  const EnrollmentResult result = read_enrollment_answer(answer(200, body), true);
  CHECK(result.outcome.kind == OutcomeKind::delivered);
  CHECK_FALSE(result.answer.node_id);
  CHECK_FALSE(result.answer.heartbeat_interval);
  CHECK_FALSE(result.answer.pinned_pubkey);
}

TEST_CASE("enrollment: the server's pin is ignored when the connection was not verified",
          "[enrollment]") {
  const EnrollmentResult result = read_enrollment_answer(
      answer(200, std::string(R"({"pinned_pubkey":")") + kPin + R"("})"), false);
  CHECK(result.outcome.kind == OutcomeKind::delivered);
  CHECK_FALSE(result.answer.pinned_pubkey);
}

TEST_CASE("enrollment: a heartbeat_interval of one minute is the shortest taken",
          "[enrollment]") {
  const EnrollmentResult result =
      read_enrollment_answer(answer(200, R"({"heartbeat_interval":"1m"})"), true);
  CHECK(result.outcome.kind == OutcomeKind::delivered);
  CHECK(result.answer.heartbeat_interval == "1m");
  const EnrollmentResult too_short =
      read_enrollment_answer(answer(200, R"({"heartbeat_interval":"1ms"})"), true);
  CHECK_THAT(too_short.outcome.message,
             Catch::Matchers::Contains("heartbeat_interval below 1m (\"1ms\")"));
}

TEST_CASE("enrollment: a malformed 2xx answer is a protocol outcome", "[enrollment]") {
  const std::string body = GENERATE(as<std::string>{}, "", "not json", "[]", "\"text\"",
      R"({"node_id":42})", R"({"node_id":""})",
      R"({"heartbeat_interval":"soon"})", R"({"heartbeat_interval":"0s"})",
      R"({"heartbeat_interval":"1ms"})", R"({"heartbeat_interval":"59s999ms"})",
      R"({"heartbeat_interval":60})", R"({"pinned_pubkey":"sha256//short"})",
      R"({"pinned_pubkey":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="})",
      R"({"pinned_pubkey":true})");
  INFO(body);
  const EnrollmentResult result = read_enrollment_answer(answer(200, body), true);
  CHECK(result.outcome.kind == OutcomeKind::protocol);
  CHECK_THAT(result.outcome.message, Catch::Matchers::StartsWith("server answered 200 with "));
}

TEST_CASE("enrollment: enroll sends one signed POST to <server>/v1/enroll", "[enrollment]") {
  const Identity identity = Identity::generate("pharos-pulse@web-01");
  const pulse::ServerUrl server = pulse::parse_server_url("https://hub.example.net:8443/pharos");
  std::vector<pulse::HttpRequest> sent;
  const pulse::Transport post = [&sent](const pulse::HttpRequest& request) {
    sent.push_back(request);
    return answer(200, std::string(R"({"node_id":"n-1","pinned_pubkey":")") + kPin + R"("})");
  };

  const EnrollmentResult result =
      pulse::enroll(server, post, identity, "s3cret", test_metadata(), test_inventory(),
                    pulse::Clock::now());
  CHECK(result.outcome.kind == OutcomeKind::delivered);
  CHECK(result.answer.node_id == "n-1");
  CHECK(result.answer.pinned_pubkey == kPin);

  REQUIRE(sent.size() == 1);
  const pulse::HttpRequest& request = sent.front();
  CHECK(request.url == "https://hub.example.net:8443/pharos/v1/enroll");
  CHECK(nlohmann::json::parse(request.body)["token"] == "s3cret");
  CHECK(header(request, "Idempotency-Key").size() >= 22);
  CHECK(header(request, "Content-Digest") == pulse::content_digest(request.body));

  // The signature proves possession of the key over the enroll path.
  const std::string input = header(request, "Signature-Input");
  REQUIRE(input.starts_with("pulse="));
  const std::string params = input.substr(6);
  CHECK_THAT(params, Catch::Matchers::Contains("keyid=\"" + identity.fingerprint() + "\""));
  const std::string base = pulse::signature_base(
      {"POST", "hub.example.net:8443", "/pharos/v1/enroll", "application/json",
       header(request, "Content-Digest"), header(request, "Idempotency-Key")},
      params);
  const std::string signature = header(request, "Signature");
  REQUIRE(signature.starts_with("pulse=:"));
  const auto raw = pulse::decode_base64(signature.substr(7, signature.size() - 8));
  REQUIRE(raw);
  REQUIRE(raw->size() == crypto_sign_BYTES);
  CHECK(crypto_sign_verify_detached(raw->data(),
                                    reinterpret_cast<const unsigned char*>(base.data()),
                                    base.size(), identity.public_key().data()) == 0);
}

TEST_CASE("enrollment: enroll over http:// to loopback keeps no pin from the server",
          "[enrollment]") {
  const Identity identity = Identity::generate("pharos-pulse@web-01");
  const pulse::ServerUrl server = pulse::parse_server_url("http://127.0.0.1:8080");
  const pulse::Transport post = [](const pulse::HttpRequest&) {
    return answer(200, std::string(R"({"pinned_pubkey":")") + kPin + R"("})");
  };
  const EnrollmentResult result =
      pulse::enroll(server, post, identity, "s3cret", test_metadata(), test_inventory(),
                    pulse::Clock::now());
  CHECK(result.outcome.kind == OutcomeKind::delivered);
  CHECK_FALSE(result.answer.pinned_pubkey);
}

TEST_CASE("enrollment: every enrollment gets a fresh event id", "[enrollment]") {
  const Identity identity = Identity::generate("pharos-pulse@web-01");
  const pulse::ServerUrl server = pulse::parse_server_url("https://hub.example.net");
  std::vector<std::string> keys;
  const pulse::Transport post = [&keys](const pulse::HttpRequest& request) {
    keys.push_back(header(request, "Idempotency-Key"));
    return answer(503, "");
  };
  for (int i = 0; i < 2; ++i) {
    const EnrollmentResult result =
        pulse::enroll(server, post, identity, "s3cret", test_metadata(), test_inventory(),
                    pulse::Clock::now());
    CHECK(result.outcome.kind == OutcomeKind::unavailable);
  }
  REQUIRE(keys.size() == 2);
  CHECK(keys[0] != keys[1]);
}
