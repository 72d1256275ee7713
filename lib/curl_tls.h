// The trust and connection options that HTTPS and ph:// share, so both
// transports check certificates, pins and proxies the same way (contract §4).
#pragma once

#include <curl/curl.h>

#include <optional>
#include <string>

#include "duration.h"
#include "proxy.h"
#include "transport.h"

namespace pulse {

// Sets verification (always on), the one CA bundle, the pin, the proxy (or
// none, whatever the environment says) and the time-outs on a curl handle.
// `ca_bundle` and `settings` must outlive the transfer.
void apply_transport_settings(CURL* handle, const TransportSettings& settings,
                              const std::string& ca_bundle, Duration timeout,
                              const std::optional<ProxyChoice>& proxy);

// The proxy a request to `url` goes through under these settings.
std::optional<ProxyChoice> transport_proxy(const std::string& url,
                                           const TransportSettings& settings);

// What the user should check after a failed connection to `url` on
// `handle`, or "" when there is nothing specific to say; `limit` is the time
// limit the exchange had, `proxy` the proxy it went through.
std::string transport_failure_hint(CURL* handle, CURLcode code, const std::string& url,
                                   const TransportSettings& settings, const TimeLimit& limit,
                                   const std::optional<ProxyChoice>& proxy);

}  // namespace pulse
