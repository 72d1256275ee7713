// winsock2.h before windows.h, which would bring in the old winsock.h.
#include <winsock2.h>

#include <windows.h>

#include <algorithm>
#include <new>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "platform/windows_control_inbox.h"
#include "watched_transfer.h"

// libcurl's poll watches sockets only, never the event and timer handles of
// a WakeWatch. A control request (the one thing that needs an answer at
// once) therefore also wakes the poll through curl_multi_wakeup, and after
// every wake-up the handles are looked at without waiting.

namespace pulse {
namespace {

// As curl_easy_perform: libcurl's own timers (the transfer's time-out among
// them) cut it shorter.
constexpr int kLongestPollMs = 1000;
// A ph:// wait looks at the handles this often, since WSAPoll cannot watch
// them either.
constexpr Duration kSocketWaitSlice = std::chrono::milliseconds(100);

void check(CURLMcode code, const char* what) {
  if (code == CURLM_OUT_OF_MEMORY) throw std::bad_alloc();
  if (code != CURLM_OK) {
    throw std::runtime_error(std::string("libcurl ") + what + ": " + curl_multi_strerror(code));
  }
}

bool any_signalled(const WakeWatch& watch) {
  if (watch.fds.empty()) return false;
  std::vector<HANDLE> handles;
  for (Waitable waitable : watch.fds) handles.push_back(reinterpret_cast<HANDLE>(waitable));
  const DWORD result =
      WaitForMultipleObjects(static_cast<DWORD>(handles.size()), handles.data(), FALSE, 0);
  return result < WAIT_OBJECT_0 + handles.size();
}

// Wakes `multi`'s poll on every control request while it lives.
class WakeOnControl {
 public:
  explicit WakeOnControl(CURLM* multi) {
    windows::ControlInbox::instance().set_wake_hook([multi] { curl_multi_wakeup(multi); });
  }
  WakeOnControl(const WakeOnControl&) = delete;
  WakeOnControl& operator=(const WakeOnControl&) = delete;
  ~WakeOnControl() { windows::ControlInbox::instance().set_wake_hook(nullptr); }
};

}  // namespace

CURLcode WatchedTransfer::perform(const WakeWatch& watch) {
  const WakeOnControl wake_on_control(multi_);
  for (;;) {
    int running = 0;
    check(curl_multi_perform(multi_, &running), "transfer");
    if (running == 0) break;
    check(curl_multi_poll(multi_, nullptr, 0, kLongestPollMs, nullptr), "poll");
    if (any_signalled(watch) && watch.on_wake()) return CURLE_ABORTED_BY_CALLBACK;
  }
  int left = 0;
  while (CURLMsg* message = curl_multi_info_read(multi_, &left)) {
    if (message->msg == CURLMSG_DONE) return message->data.result;
  }
  throw std::runtime_error("libcurl ended a transfer without a result");
}

SocketWait wait_for_socket(int socket, short events, Duration timeout, const WakeWatch& watch) {
  WSAPOLLFD fd{static_cast<SOCKET>(socket), events, 0};
  const auto slice = std::clamp(timeout, Duration(0), kSocketWaitSlice);
  const int ready = WSAPoll(&fd, 1, static_cast<INT>(slice.count()));
  if (ready == SOCKET_ERROR) {
    throw std::system_error(WSAGetLastError(), std::system_category(), "WSAPoll");
  }
  if (any_signalled(watch) && watch.on_wake()) return SocketWait::aborted;
  // Errors and hang-ups count as ready: the read or write that follows
  // reports them.
  return fd.revents != 0 ? SocketWait::ready : SocketWait::again;
}

}  // namespace pulse
