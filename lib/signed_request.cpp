#include "signed_request.h"

#include <chrono>

#include "http_signature.h"
#include "random.h"

namespace pulse {

RequestFreshness fresh_request_parameters() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return {std::chrono::duration_cast<std::chrono::seconds>(now).count(), random_token(16)};
}

HttpRequest build_signed_request(const ServerUrl& server, std::string_view api_path,
                                 const Identity& identity, std::string body,
                                 const std::string& idempotency_key,
                                 const RequestFreshness& freshness) {
  constexpr std::string_view kContentType = "application/json";
  const SignatureHeaders signature = sign_message(
      identity, {"POST", server.authority, server.path_of(api_path), kContentType, idempotency_key},
      body, {freshness.created, identity.fingerprint(), freshness.nonce});
  HttpRequest request;
  request.url = server.url_of(api_path);
  request.headers = {
      {"Content-Type", std::string(kContentType)},
      {"Content-Digest", signature.content_digest},
      {"Signature-Input", signature.signature_input},
      {"Signature", signature.signature},
      {"User-Agent", "pharos-pulse/" PULSE_VERSION},
      {"Idempotency-Key", idempotency_key},
  };
  request.body = std::move(body);
  return request;
}

std::string format_dry_run(const HttpRequest& request) {
  std::string text = "POST " + request.url + " HTTP/1.1\n";
  for (const auto& [name, value] : request.headers) text += name + ": " + value + "\n";
  text += "\n" + request.body + "\n";
  return text;
}

}  // namespace pulse
