// Which proxy a request goes through (contract §4): server.proxy when set,
// else the standard variables with NO_PROXY, never one for a loopback
// http:// url. Decided here once, so curl, inspect and the failure hints
// agree on it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "settings.h"

namespace pulse {

struct ProxyChoice {
  std::string url;     // as configured; holds the password, if any: never print it
  std::string source;  // "server.proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", …
};

// The proxy for a request to `url` (https://…, http://…), or nullopt for a
// direct connection. `configured` is server.proxy ("" when unset).
std::optional<ProxyChoice> choose_proxy(std::string_view url, const std::string& configured,
                                        const Environment& environment);

// A proxy URL for people: the password replaced by "***".
std::string redacted_proxy_url(std::string_view url);

// "http://user:***@proxy:3128 (server.proxy)"
std::string describe_proxy(const ProxyChoice& proxy);

}  // namespace pulse
