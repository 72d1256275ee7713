// Network waits that also watch the caller's wake-up descriptors (see
// WakeWatch): libcurl transfers through a multi handle, whose poll takes
// extra descriptors, and the raw socket of a ph:// exchange.
#pragma once

#include <curl/curl.h>

#include "duration.h"
#include "transport.h"

namespace pulse {

// One easy handle in a multi handle of its own, for as long as this lives:
// a CONNECT_ONLY connection stays usable only while its handle is in the
// multi (removing it closes the connection).
class WatchedTransfer {
 public:
  // Throws std::bad_alloc when libcurl cannot make the multi handle.
  explicit WatchedTransfer(CURL* easy);
  WatchedTransfer(const WatchedTransfer&) = delete;
  WatchedTransfer& operator=(const WatchedTransfer&) = delete;
  ~WatchedTransfer();

  // Runs the transfer to its end: its CURLcode, or CURLE_ABORTED_BY_CALLBACK
  // when `watch` stopped it. Throws std::runtime_error when libcurl fails
  // itself (out of memory, a broken poll).
  CURLcode perform(const WakeWatch& watch);

 private:
  CURLM* multi_;
  CURL* easy_;
};

enum class SocketWait {
  ready,    // the socket is ready for the events asked
  aborted,  // the watch said stop
  again,    // time passed, or a wake-up that does not stop us: look again
};

// One wait until `socket` is ready for `events` (POLLIN or POLLOUT), for
// at most `timeout`, watching `watch`'s descriptors too. Throws
// std::system_error when poll fails.
SocketWait wait_for_socket(int socket, short events, Duration timeout, const WakeWatch& watch);

}  // namespace pulse
