// HTTPS POSTs through libcurl with the trust settings of contract §4.
#pragma once

#include <algorithm>
#include <filesystem>
#include <functional>
#include <string>

#include "duration.h"
#include "outcome.h"
#include "settings.h"
#include "signed_request.h"

namespace pulse {

struct TransportSettings {
  std::filesystem::path ca_file;  // empty: the system trust store
  std::string pinned_pubkey;
  std::string proxy;              // empty: HTTPS_PROXY / NO_PROXY
  Duration timeout = std::chrono::seconds(10);

  static TransportSettings from(const Settings& settings);
};

// Polled while a transfer runs; true aborts it (the daemon's shutdown).
using AbortCheck = std::function<bool()>;

class HttpClient {
 public:
  // Throws Failure(configuration) when the configured CA file cannot be read.
  explicit HttpClient(TransportSettings settings, AbortCheck should_abort = {});

  // Throws Failure(configuration) when an https:// request finds no CA bundle.
  Outcome post(const HttpRequest& request) const;

  // Cap on the time of the next transfers (the shutdown deadline).
  void limit_timeout(Duration timeout) { timeout_cap_ = timeout; }

  // For other transports over the same trust settings (ph://): the
  // settings, the CA bundle (the system's is found on first use; throws
  // Failure(configuration) when there is none), the time one exchange may
  // take, and whether the caller wants the exchange stopped.
  const TransportSettings& settings() const { return settings_; }
  const std::string& tls_ca_bundle() const;
  Duration timeout() const { return std::min(settings_.timeout, timeout_cap_); }
  bool should_abort() const { return should_abort_ && should_abort_(); }

 private:
  TransportSettings settings_;
  mutable std::string ca_bundle_;  // found on first use by https:// or ph://
  AbortCheck should_abort_;
  Duration timeout_cap_ = Duration::max();
};

// The trust store when server.ca_file is not set: the bundle libcurl was
// built with if present, else the first of the usual distribution paths. On
// Windows none: empty, and Schannel uses the system's certificate store.
std::filesystem::path find_system_ca_bundle();

}  // namespace pulse
