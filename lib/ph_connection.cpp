#include "ph_connection.h"

#include <curl/curl.h>

#include <system_error>

#include "curl_tls.h"
#include "socket_events.h"
#include "watched_transfer.h"

namespace pulse {
namespace {

std::string tls_url(const ServerUrl& server) {
  const bool ipv6 = server.host.find(':') != std::string::npos;
  const std::string host = ipv6 ? "[" + server.host + "]" : server.host;
  return "https://" + host + ":" + std::to_string(server.port) + "/";
}

}  // namespace

struct PhConnection::CurlHandle {
  CURL* handle = curl_easy_init();
  ~CurlHandle() {
    if (handle != nullptr) curl_easy_cleanup(handle);
  }
};

PhConnection::PhConnection(const ServerUrl& server, const TransportContext& transport)
    : transport_(transport),
      origin_(server.origin),
      limit_(transport.time_limit()),
      deadline_(SteadyClock::now() + limit_.timeout),
      curl_(std::make_unique<CurlHandle>()) {
  if (curl_->handle == nullptr) throw std::bad_alloc();
  const std::string& ca_bundle = transport.ca_bundle();

  const std::string url = tls_url(server);
  char error_buffer[CURL_ERROR_SIZE] = "";
  CURL* handle = curl_->handle;
  curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
  curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "https");
  // Connect and handshake, then hand the TLS stream over: no HTTP is sent.
  curl_easy_setopt(handle, CURLOPT_CONNECT_ONLY, 1L);
  // pharos-server negotiates no application protocol.
  curl_easy_setopt(handle, CURLOPT_SSL_ENABLE_ALPN, 0L);
  curl_easy_setopt(handle, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
  const std::optional<ProxyChoice> proxy = transport_proxy(url, transport.settings());
  apply_transport_settings(handle, transport.settings(), ca_bundle, limit_.timeout, proxy);
  curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error_buffer);

  transfer_ = std::make_unique<WatchedTransfer>(handle);
  const CURLcode code = transfer_->perform(transport.wake_watch());
  curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, nullptr);
  if (code == CURLE_ABORTED_BY_CALLBACK) throw interrupted();
  if (code != CURLE_OK) {
    std::string message = "cannot reach " + origin_ + ": " +
                          (error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code));
    if (std::string hint =
            transport_failure_hint(handle, code, url, transport.settings(), limit_, proxy);
        !hint.empty()) {
      message += "; " + hint;
    }
    throw PhExchangeError(OutcomeKind::unavailable, message);
  }
  curl_socket_t socket = CURL_SOCKET_BAD;
  if (curl_easy_getinfo(handle, CURLINFO_ACTIVESOCKET, &socket) != CURLE_OK ||
      socket == CURL_SOCKET_BAD) {
    throw PhExchangeError(OutcomeKind::unavailable, "lost the connection to " + origin_);
  }
  socket_ = socket;
}

PhConnection::~PhConnection() = default;

PhExchangeError PhConnection::interrupted() const {
  return PhExchangeError(OutcomeKind::unavailable, "delivery to " + origin_ + " interrupted");
}

void PhConnection::check_time_left() const {
  if (SteadyClock::now() >= deadline_) {
    throw PhExchangeError(OutcomeKind::unavailable,
                          "no answer from " + origin_ + " within " + limit_.name);
  }
}

void PhConnection::wait_for(short events) {
  for (;;) {
    check_time_left();
    const auto left = std::chrono::ceil<Duration>(deadline_ - SteadyClock::now());
    SocketWait result;
    try {
      result = wait_for_socket(socket_, events, left, transport_.wake_watch());
    } catch (const std::system_error& error) {
      throw PhExchangeError(OutcomeKind::unavailable,
                            "lost the connection to " + origin_ + ": " + error.code().message());
    }
    if (result == SocketWait::ready) return;
    if (result == SocketWait::aborted) throw interrupted();
  }
}

void PhConnection::send_line(std::string_view command) {
  const std::string line = std::string(command) + "\n";
  std::size_t sent = 0;
  while (sent < line.size()) {
    check_time_left();
    std::size_t count = 0;
    const CURLcode code =
        curl_easy_send(curl_->handle, line.data() + sent, line.size() - sent, &count);
    if (code == CURLE_AGAIN) {
      wait_for(kSocketWritable);
      continue;
    }
    if (code != CURLE_OK) {
      throw PhExchangeError(OutcomeKind::unavailable,
                            "lost the connection to " + origin_ + ": " + curl_easy_strerror(code));
    }
    sent += count;
  }
}

PhReply PhConnection::read_reply() {
  char buffer[4096];
  for (;;) {
    try {
      if (std::optional<PhReply> reply = reader_.next()) return *reply;
    } catch (const PhProtocolError& error) {
      throw PhExchangeError(OutcomeKind::protocol, origin_ + ": " + error.what());
    }
    check_time_left();
    std::size_t count = 0;
    // TLS may hold decrypted bytes that poll(2) cannot see, so read first
    // and wait only when there is nothing.
    const CURLcode code = curl_easy_recv(curl_->handle, buffer, sizeof buffer, &count);
    if (code == CURLE_AGAIN) {
      wait_for(kSocketReadable);
      continue;
    }
    if (code != CURLE_OK) {
      throw PhExchangeError(OutcomeKind::unavailable,
                            "lost the connection to " + origin_ + ": " + curl_easy_strerror(code));
    }
    if (count == 0) {
      throw PhExchangeError(OutcomeKind::unavailable,
                            origin_ + " closed the connection before it answered");
    }
    reader_.feed({buffer, count});
  }
}

}  // namespace pulse
