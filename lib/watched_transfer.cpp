#include "watched_transfer.h"

#include <new>

// The multi handle is plain libcurl, the same everywhere; how a transfer's
// poll also watches the wake-ups is the platform's (platform/*_watched_transfer.cpp).

namespace pulse {

WatchedTransfer::WatchedTransfer(CURL* easy) : multi_(curl_multi_init()), easy_(easy) {
  if (multi_ == nullptr) throw std::bad_alloc();
  if (curl_multi_add_handle(multi_, easy_) != CURLM_OK) {
    curl_multi_cleanup(multi_);
    throw std::bad_alloc();
  }
}

WatchedTransfer::~WatchedTransfer() {
  curl_multi_remove_handle(multi_, easy_);
  curl_multi_cleanup(multi_);
}

}  // namespace pulse
