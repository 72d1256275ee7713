#include "server_url.h"

#include <curl/curl.h>

#include <cctype>
#include <memory>

#include "failure.h"

namespace pulse {
namespace {

constexpr int kPhDefaultPort = 2378;

struct UrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
using UrlHandle = std::unique_ptr<CURLU, UrlDeleter>;

[[noreturn]] void refuse(std::string_view url, std::string_view source, const std::string& why) {
  throw Failure(ExitCode::configuration,
                "bad server url '" + std::string(url) + "' (" + std::string(source) + "): " + why);
}

std::string part(CURLU* url, CURLUPart which, unsigned flags = 0) {
  char* value = nullptr;
  if (curl_url_get(url, which, &value, flags) != CURLUE_OK || value == nullptr) return "";
  std::string text(value);
  curl_free(value);
  return text;
}

std::string lowercase(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string without_brackets(std::string host) {
  if (host.size() > 2 && host.front() == '[') return host.substr(1, host.size() - 2);
  return host;
}

// The first octet of a dotted-quad IPv4 address as inet_pton(3) reads one
// (four decimal octets up to 255, no leading zeros), or nullopt.
std::optional<int> first_ipv4_octet(std::string_view text) {
  int first = -1;
  for (int octet_index = 0; octet_index < 4; ++octet_index) {
    if (octet_index > 0) {
      if (text.empty() || text.front() != '.') return std::nullopt;
      text.remove_prefix(1);
    }
    std::size_t digits = 0;
    int value = 0;
    while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) {
      value = value * 10 + (text[digits] - '0');
      if (++digits > 3) return std::nullopt;
    }
    if (digits == 0 || value > 255 || (digits > 1 && text.front() == '0')) return std::nullopt;
    text.remove_prefix(digits);
    if (octet_index == 0) first = value;
  }
  if (!text.empty()) return std::nullopt;
  return first;
}

}  // namespace

std::optional<UrlTarget> url_target(std::string_view text) {
  UrlHandle url(curl_url());
  if (!url) throw std::bad_alloc();
  const std::string input(text);
  if (curl_url_set(url.get(), CURLUPART_URL, input.c_str(), CURLU_NON_SUPPORT_SCHEME) !=
      CURLUE_OK) {
    return std::nullopt;
  }
  const std::string port = part(url.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
  return UrlTarget{lowercase(part(url.get(), CURLUPART_SCHEME)),
                   lowercase(without_brackets(part(url.get(), CURLUPART_HOST))),
                   port.empty() ? 0 : std::stol(port)};
}

bool is_loopback_host(std::string_view host) {
  if (host == "localhost" || host == "::1") return true;
  const std::optional<int> first = first_ipv4_octet(host);
  return first && *first == 127;
}

ServerUrl parse_server_url(std::string_view text, std::string_view source) {
  if (text.empty()) {
    throw Failure(ExitCode::configuration,
                  "no server url; set server.url in the config, PHAROS_SERVER or --server");
  }
  if (text.find("://") == std::string_view::npos) {
    // "hub:2378" is how the Rust agent's PHAROS_SERVER names a Ph hub.
    refuse(text, source,
           "it has no scheme; for a Pharos hub over Ph write ph://" + std::string(text) +
               ", for the HTTPS API https://" + std::string(text));
  }
  UrlHandle url(curl_url());
  if (!url) throw std::bad_alloc();
  const std::string input(text);
  if (curl_url_set(url.get(), CURLUPART_URL, input.c_str(), CURLU_NON_SUPPORT_SCHEME) !=
      CURLUE_OK) {
    refuse(text, source, "not a valid URL (expected https://HOST[:PORT][/PREFIX])");
  }
  ServerUrl server;
  const std::string scheme = part(url.get(), CURLUPART_SCHEME);
  if (scheme == "https") {
    server.scheme = Scheme::https;
  } else if (scheme == "http") {
    server.scheme = Scheme::http;
  } else if (scheme == "ph") {
    server.scheme = Scheme::ph;
  } else {
    refuse(text, source, "scheme '" + scheme + "' is not supported (use https://)");
  }
  if (!part(url.get(), CURLUPART_USER).empty()) {
    refuse(text, source, "credentials are not allowed in it");
  }
  if (!part(url.get(), CURLUPART_QUERY).empty()) {
    refuse(text, source, "a query is not allowed in it");
  }
  if (!part(url.get(), CURLUPART_FRAGMENT).empty()) {
    refuse(text, source, "a fragment is not allowed in it");
  }

  const std::string host_part = part(url.get(), CURLUPART_HOST);
  server.host = without_brackets(host_part);
  if (server.host.empty()) refuse(text, source, "it has no host");
  if (server.scheme == Scheme::http && !is_loopback_host(server.host)) {
    refuse(text, source, "http:// is only allowed to a loopback host; use https://");
  }

  const int default_port =
      server.scheme == Scheme::https ? 443 : server.scheme == Scheme::http ? 80 : kPhDefaultPort;
  const std::string port = part(url.get(), CURLUPART_PORT);
  server.port = port.empty() ? default_port : std::stoi(port);
  server.authority = host_part;
  for (char& c : server.authority)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (server.port != default_port) server.authority += ":" + std::to_string(server.port);

  std::string path = part(url.get(), CURLUPART_PATH);
  while (!path.empty() && path.back() == '/') path.pop_back();
  if (server.scheme == Scheme::ph && !path.empty()) refuse(text, source, "a ph:// url has no path");
  server.path_prefix = path;
  server.origin = scheme + "://" + host_part + (port.empty() ? "" : ":" + port);
  return server;
}

}  // namespace pulse
