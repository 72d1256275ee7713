#include "watched_transfer.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <limits>
#include <new>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

namespace pulse {
namespace {

// The longest single poll, as curl_easy_perform uses: libcurl's own timers
// (the transfer's time-out among them) cut it shorter.
constexpr int kLongestPollMs = 1000;

void check(CURLMcode code, const char* what) {
  if (code == CURLM_OUT_OF_MEMORY) throw std::bad_alloc();
  if (code != CURLM_OK) {
    throw std::runtime_error(std::string("libcurl ") + what + ": " + curl_multi_strerror(code));
  }
}

}  // namespace

CURLcode WatchedTransfer::perform(const WakeWatch& watch) {
  std::vector<curl_waitfd> wake(watch.fds.size());
  for (;;) {
    int running = 0;
    check(curl_multi_perform(multi_, &running), "transfer");
    if (running == 0) break;
    for (std::size_t i = 0; i < wake.size(); ++i) {
      wake[i] = {static_cast<curl_socket_t>(watch.fds[i]), CURL_WAIT_POLLIN, 0};
    }
    check(curl_multi_poll(multi_, wake.data(), static_cast<unsigned>(wake.size()),
                          kLongestPollMs, nullptr),
          "poll");
    const bool woken = std::any_of(wake.begin(), wake.end(),
                                   [](const curl_waitfd& fd) { return fd.revents != 0; });
    if (woken && watch.on_wake()) return CURLE_ABORTED_BY_CALLBACK;
  }
  int left = 0;
  while (CURLMsg* message = curl_multi_info_read(multi_, &left)) {
    if (message->msg == CURLMSG_DONE) return message->data.result;
  }
  throw std::runtime_error("libcurl ended a transfer without a result");
}

SocketWait wait_for_socket(int socket, short events, Duration timeout, const WakeWatch& watch) {
  std::vector<pollfd> fds{{socket, events, 0}};
  for (Waitable fd : watch.fds) fds.push_back({static_cast<int>(fd), POLLIN, 0});
  const auto timeout_ms =
      std::clamp<Duration::rep>(timeout.count(), 0, std::numeric_limits<int>::max());
  const int ready = ::poll(fds.data(), fds.size(), static_cast<int>(timeout_ms));
  if (ready < 0) {
    if (errno == EINTR) return SocketWait::again;
    throw std::system_error(errno, std::generic_category(), "poll");
  }
  const bool woken = std::any_of(fds.begin() + 1, fds.end(),
                                 [](const pollfd& fd) { return fd.revents != 0; });
  if (woken && watch.on_wake()) return SocketWait::aborted;
  // Errors and hang-ups count as ready: the read or write that follows
  // reports them.
  return fds[0].revents != 0 ? SocketWait::ready : SocketWait::again;
}

}  // namespace pulse
