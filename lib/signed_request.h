// A complete signed POST (contract §4), ready for a transport or --dry-run.
#pragma once

#include <cstdint>
#include <string>

#include "http_client.h"
#include "identity.h"
#include "server_url.h"

namespace pulse {

struct RequestFreshness {
  std::int64_t created;  // unix seconds, now
  std::string nonce;
};

// A fresh `created` and nonce for one request.
RequestFreshness fresh_request_parameters();

HttpRequest build_signed_request(const ServerUrl& server, std::string_view api_path,
                                 const Identity& identity, std::string body,
                                 const std::string& idempotency_key,
                                 const RequestFreshness& freshness);

// "POST <url> HTTP/1.1", headers, an empty line, the body and a final
// newline, with LF line ends (contract §8, send --dry-run).
std::string format_dry_run(const HttpRequest& request);

}  // namespace pulse
