// The server base URL of contract §4: https://, http:// to loopback only, or
// ph:// for today's Pharos hubs.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pulse {

enum class Scheme { https, http, ph };

struct ServerUrl {
  Scheme scheme;
  std::string origin;       // "https://host:8443", no trailing slash
  std::string host;         // as written, IPv6 without brackets
  int port;
  std::string path_prefix;  // "" or "/pharos", no trailing slash
  // RFC 9421 @authority: host in lowercase (IPv6 in brackets) and the port
  // unless it is the scheme's default, as in the Host header.
  std::string authority;

  // Absolute URL and request path of an API endpoint such as "/v1/presence".
  std::string url_of(std::string_view api_path) const { return origin + path_prefix + std::string(api_path); }
  std::string path_of(std::string_view api_path) const { return path_prefix + std::string(api_path); }
};

// Throws Failure(configuration) for a missing or bad URL, one without a
// scheme (the Rust agent's HOST:PORT), a scheme other than the three above,
// http:// to a non-loopback host, credentials, a query or a fragment. The
// message names `source`, the setting the URL came from ("PHAROS_SERVER").
ServerUrl parse_server_url(std::string_view text, std::string_view source = "server.url");

bool is_loopback_host(std::string_view host);

// Where an absolute URL leads: scheme and host in lowercase (IPv6 without
// brackets) and the port, the scheme's default when it has none (0 when
// curl knows no default). nullopt when curl cannot parse it.
struct UrlTarget {
  std::string scheme;
  std::string host;
  long port = 0;
};
std::optional<UrlTarget> url_target(std::string_view url);

}  // namespace pulse
