#include "curl_tls.h"

namespace pulse {

void apply_transport_settings(CURL* handle, const TransportSettings& settings,
                              const std::string& ca_bundle, Duration timeout) {
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
  if (!settings.proxy.empty()) curl_easy_setopt(handle, CURLOPT_PROXY, settings.proxy.c_str());
}

std::string transport_failure_hint(CURLcode code, const TransportSettings& settings,
                                   const TimeLimit& limit) {
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
    case CURLE_COULDNT_RESOLVE_PROXY:
      return "check server.proxy or HTTPS_PROXY";
    case CURLE_OPERATION_TIMEDOUT:
      return "no answer within " + limit.name;
    default:
      return "";
  }
}

}  // namespace pulse
