#include "ph_connection.h"

#include <curl/curl.h>
#ifdef _WIN32
#include <winsock2.h>
#else
#include <poll.h>
#endif

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "curl_tls.h"

namespace pulse {
namespace {

// The abort check is a function, not a descriptor poll(2) could watch, so
// waits are cut into slices this long (the daemon's shutdown reacts within
// one).
constexpr std::chrono::milliseconds kAbortCheckInterval(100);

#ifdef _WIN32
// Winsock's poll(2): the descriptor here is always a socket.
int poll(pollfd* fds, unsigned long count, int timeout) { return WSAPoll(fds, count, timeout); }
#endif

int on_progress(void* context, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<const HttpClient*>(context)->should_abort() ? 1 : 0;
}

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

PhConnection::PhConnection(const ServerUrl& server, const HttpClient& client)
    : client_(client), origin_(server.origin), curl_(std::make_unique<CurlHandle>()) {
  if (curl_->handle == nullptr) throw std::bad_alloc();
  const std::string& ca_bundle = client.tls_ca_bundle();
  const Duration timeout = client.timeout();
  deadline_ = SteadyClock::now() + timeout;

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
  apply_transport_settings(handle, client.settings(), ca_bundle, timeout);
  curl_easy_setopt(handle, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(handle, CURLOPT_XFERINFODATA, &client_);
  curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error_buffer);

  const CURLcode code = curl_easy_perform(handle);
  curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, nullptr);
  if (code == CURLE_ABORTED_BY_CALLBACK) {
    throw PhExchangeError(OutcomeKind::unavailable, "delivery to " + origin_ + " interrupted");
  }
  if (code != CURLE_OK) {
    std::string message = "cannot reach " + origin_ + ": " +
                          (error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code));
    if (std::string hint = transport_failure_hint(code, client.settings()); !hint.empty()) {
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

void PhConnection::check_time_left() const {
  if (client_.should_abort()) {
    throw PhExchangeError(OutcomeKind::unavailable, "delivery to " + origin_ + " interrupted");
  }
  if (SteadyClock::now() >= deadline_) {
    throw PhExchangeError(OutcomeKind::unavailable,
                          "no answer from " + origin_ + " within " +
                              format_duration(client_.timeout()) + " (server.timeout)");
  }
}

void PhConnection::wait_for(short events) {
  for (;;) {
    check_time_left();
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline_ - SteadyClock::now());
    const auto slice = std::min<std::chrono::milliseconds>(left, kAbortCheckInterval);
    // Windows' SOCKET is wider than int, but its values fit in 32 bits.
    pollfd fd{static_cast<decltype(pollfd::fd)>(socket_), events, 0};
    const int ready = poll(&fd, 1, static_cast<int>(slice.count()));
    if (ready > 0) return;
    if (ready < 0 && errno != EINTR) {
      throw PhExchangeError(OutcomeKind::unavailable,
                            "lost the connection to " + origin_ + ": " + std::strerror(errno));
    }
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
      wait_for(POLLOUT);
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
      wait_for(POLLIN);
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
