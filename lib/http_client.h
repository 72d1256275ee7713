// HTTPS POSTs through libcurl with the trust settings of contract §4.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "outcome.h"
#include "transport.h"

namespace pulse {

struct HttpRequest {
  std::string url;  // absolute
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

class HttpClient {
 public:
  // `transport` must outlive the client.
  explicit HttpClient(const TransportContext& transport) : transport_(transport) {}

  // Throws Failure(configuration) when an https:// request finds no CA bundle.
  Outcome post(const HttpRequest& request) const;

 private:
  const TransportContext& transport_;
};

}  // namespace pulse
