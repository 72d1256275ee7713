#include "proxy.h"

#include <cctype>

#include "server_url.h"

namespace pulse {
namespace {

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// NO_PROXY as curl reads it: comma-separated names, each matching itself and
// its subdomains (a leading '.' is the same), IP addresses exactly, '*' all.
bool no_proxy_covers(std::string_view list, const std::string& host) {
  while (!list.empty()) {
    const auto comma = list.find(',');
    std::string entry = lowercase(list.substr(0, comma));
    list.remove_prefix(comma == std::string_view::npos ? list.size() : comma + 1);
    while (!entry.empty() && (entry.front() == ' ' || entry.front() == '\t')) entry.erase(0, 1);
    while (!entry.empty() && (entry.back() == ' ' || entry.back() == '\t')) entry.pop_back();
    if (entry.size() > 2 && entry.front() == '[' && entry.back() == ']') {
      entry = entry.substr(1, entry.size() - 2);
    }
    while (!entry.empty() && entry.front() == '.') entry.erase(0, 1);
    if (entry.empty()) continue;
    if (entry == "*" || host == entry) return true;
    if (host.size() > entry.size() && host.ends_with(entry) &&
        host[host.size() - entry.size() - 1] == '.') {
      return true;
    }
  }
  return false;
}

std::optional<ProxyChoice> from_environment(const char* const* names,
                                            const Environment& environment) {
  for (const char* const* name = names; *name != nullptr; ++name) {
    if (auto value = environment(*name)) return ProxyChoice{*value, *name};
  }
  return std::nullopt;
}

}  // namespace

std::optional<ProxyChoice> choose_proxy(std::string_view url, const std::string& configured,
                                        const Environment& environment) {
  const auto target = url_target(url);
  // http:// is allowed to loopback only, for testing: whatever travels there
  // (an enrollment token) must not reach a proxy in clear text.
  if (!target || target->scheme == "http") return std::nullopt;
  // server.proxy replaces the environment, NO_PROXY included.
  if (!configured.empty()) return ProxyChoice{configured, "server.proxy"};
  for (const char* name : {"no_proxy", "NO_PROXY"}) {
    if (auto list = environment(name)) {
      if (no_proxy_covers(*list, target->host)) return std::nullopt;
      break;
    }
  }
  static const char* const kNames[] = {"https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
                                       nullptr};
  return from_environment(kNames, environment);
}

std::string redacted_proxy_url(std::string_view url) {
  // user:password@ sits between "://" (if any) and the first '@' before
  // the path; the password is what follows the first ':' there.
  const auto scheme_end = url.find("://");
  const std::size_t start = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
  const auto path = url.find_first_of("/?#", start);
  const auto at = url.substr(0, path).rfind('@');
  if (at == std::string_view::npos || at < start) return std::string(url);
  const auto colon = url.substr(0, at).find(':', start);
  if (colon == std::string_view::npos) return std::string(url);
  return std::string(url.substr(0, colon + 1)) + "***" + std::string(url.substr(at));
}

std::string describe_proxy(const ProxyChoice& proxy) {
  return redacted_proxy_url(proxy.url) + " (" + proxy.source + ")";
}

}  // namespace pulse
