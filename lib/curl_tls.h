// The trust and connection options that HTTPS and ph:// share, so both
// transports check certificates, pins and proxies the same way (contract §4).
#pragma once

#include <curl/curl.h>

#include <string>

#include "duration.h"
#include "http_client.h"

namespace pulse {

// Sets verification (always on), the one CA bundle, the pin, the proxy and
// the time-outs on a curl handle. `ca_bundle` and `settings` must outlive
// the transfer: curl keeps pointers to the strings.
void apply_transport_settings(CURL* handle, const TransportSettings& settings,
                              const std::string& ca_bundle, Duration timeout);

// What the user should check after a failed connection, or "" when there
// is nothing specific to say; `limit` is the time limit the exchange had.
std::string transport_failure_hint(CURLcode code, const TransportSettings& settings,
                                   const TimeLimit& limit);

}  // namespace pulse
