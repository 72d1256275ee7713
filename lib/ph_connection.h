// One TLS connection to a Ph hub, line by line: libcurl makes the connection
// (CURLOPT_CONNECT_ONLY, with the trust settings of HTTPS) and hands over raw
// send and receive. The whole exchange is bounded by the transport's time
// limit, and every wait watches the transport's wake-up descriptors, as an
// HTTPS transfer does.
#pragma once

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "outcome.h"
#include "ph_protocol.h"
#include "server_url.h"
#include "transport.h"

namespace pulse {

class WatchedTransfer;

// Why an exchange stopped before its end: connection, TLS, time-out or
// abort (`unavailable`), or bytes that are not Ph (`protocol`).
class PhExchangeError : public std::runtime_error {
 public:
  PhExchangeError(OutcomeKind kind, const std::string& message)
      : std::runtime_error(message), kind_(kind) {}
  OutcomeKind kind() const { return kind_; }

 private:
  OutcomeKind kind_;
};

class PhConnection {
 public:
  // Connects and completes the TLS handshake. Throws PhExchangeError, or
  // Failure(configuration) when no CA bundle can be found.
  PhConnection(const ServerUrl& server, const TransportContext& transport);
  PhConnection(const PhConnection&) = delete;
  PhConnection& operator=(const PhConnection&) = delete;
  ~PhConnection();

  // Sends `command` and an LF. Throws PhExchangeError.
  void send_line(std::string_view command);
  // The next whole reply. Throws PhExchangeError.
  PhReply read_reply();

 private:
  struct CurlHandle;
  using SteadyClock = std::chrono::steady_clock;

  // Waits until the socket is ready for `events`.
  void wait_for(short events);
  void check_time_left() const;
  PhExchangeError interrupted() const;

  const TransportContext& transport_;
  std::string origin_;
  TimeLimit limit_;
  SteadyClock::time_point deadline_;
  std::unique_ptr<CurlHandle> curl_;
  // After curl_: the connection lives in the transfer's multi handle, which
  // must let go of the easy handle before that is cleaned up.
  std::unique_ptr<WatchedTransfer> transfer_;
  int socket_ = -1;
  PhReplyReader reader_;
};

}  // namespace pulse
