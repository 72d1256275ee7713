#include "curl_tls.h"

#include "server_url.h"

namespace pulse {
namespace {

// A failure on the way through the proxy, named as the proxy's, or "".
std::string proxy_failure_hint(CURL* handle, CURLcode code, const std::string& url,
                               const ProxyChoice& proxy) {
  const std::string named = "the proxy " + describe_proxy(proxy);
  const std::string check = "; check " + proxy.source;
  long connect_code = 0;
  curl_easy_getinfo(handle, CURLINFO_HTTP_CONNECTCODE, &connect_code);
  // 407 is the standard answer; tinyproxy says 401 to wrong credentials.
  if (connect_code == 407 || connect_code == 401) {
    const std::string status = " (" + std::to_string(connect_code) + ")";
    if (redacted_proxy_url(proxy.url) != proxy.url) {
      return named + " refused the credentials in its URL" + status +
             "; check the user and password in " + proxy.source;
    }
    return named + " wants credentials" + status + ": put user:password in the proxy URL (" +
           proxy.source + ")";
  }
  if (connect_code == 403) {
    const auto target = url_target(url);
    const long port = target ? target->port : 0;
    std::string hint = named + " refused to connect to port " + std::to_string(port) + " (403)";
    // http_access deny CONNECT !SSL_ports, with SSL_ports 443 only.
    if (port != 443) hint += "; Debian's stock squid allows CONNECT only to port 443";
    return hint + check;
  }
  if (connect_code != 0 && (connect_code < 200 || connect_code >= 300)) {
    return named + " answered CONNECT with " + std::to_string(connect_code) + check;
  }
  switch (code) {
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
      return named + " does not answer" + check;
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_GOT_NOTHING:
    case CURLE_PROXY:
      if (connect_code == 0) {
        return named + " did not answer CONNECT as an HTTP proxy (one that speaks TLS needs "
               "https:// in its URL)" + check;
      }
      return "";
    default:
      return "";
  }
}

}  // namespace

void apply_transport_settings(CURL* handle, const TransportSettings& settings,
                              const std::string& ca_bundle, Duration timeout,
                              const std::optional<ProxyChoice>& proxy) {
  const long timeout_ms = static_cast<long>(timeout.count());
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  // An aborted or timed-out transfer does not wait for a DNS lookup that
  // hangs (libcurl's resolver thread finishes on its own), so a shutdown
  // keeps its deadline.
  curl_easy_setopt(handle, CURLOPT_QUICK_EXIT, 1L);
  curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!ca_bundle.empty()) curl_easy_setopt(handle, CURLOPT_CAINFO, ca_bundle.c_str());
  // Only the one bundle counts, never a certificate directory besides it.
  curl_easy_setopt(handle, CURLOPT_CAPATH, nullptr);
  if (!settings.pinned_pubkey.empty()) {
    curl_easy_setopt(handle, CURLOPT_PINNEDPUBLICKEY, settings.pinned_pubkey.c_str());
  }
  // choose_proxy has decided: "" is no proxy, and an empty NO_PROXY keeps
  // curl from reading the environment's over that decision.
  curl_easy_setopt(handle, CURLOPT_PROXY, proxy ? proxy->url.c_str() : "");
  curl_easy_setopt(handle, CURLOPT_NOPROXY, "");
  // A proxy's own answer to CONNECT (its Retry-After, say) is not the server's.
  curl_easy_setopt(handle, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
}

std::optional<ProxyChoice> transport_proxy(const std::string& url,
                                           const TransportSettings& settings) {
  return choose_proxy(url, settings.proxy, process_environment());
}

std::string transport_failure_hint(CURL* handle, CURLcode code, const std::string& url,
                                   const TransportSettings& settings, const TimeLimit& limit,
                                   const std::optional<ProxyChoice>& proxy) {
  if (proxy) {
    if (std::string hint = proxy_failure_hint(handle, code, url, *proxy); !hint.empty()) {
      return hint;
    }
  }
  const std::string trust = settings.ca_file.empty()
                                ? "the system trust store (set server.ca_file or --ca-file)"
                                : "server.ca_file '" + settings.ca_file.string() + "'";
  switch (code) {
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
      return "the server's certificate is not trusted by " + trust;
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
      return "the server's public key does not match server.pinned_pubkey / --pin";
    case CURLE_SSL_CONNECT_ERROR:
      // wolfSSL ends here for most certificate failures (an expired one,
      // a bad signature), OpenSSL for protocol ones.
      return "the TLS handshake failed: the server's certificate is expired or not trusted by " +
             trust + ", or the server speaks no TLS 1.2 or 1.3; check server.url";
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
      return "check server.url and that the server is up";
    case CURLE_OPERATION_TIMEDOUT:
      return "no answer within " + limit.name;
    default:
      return "";
  }
}

}  // namespace pulse
