// HTTPS POSTs through libcurl with the trust settings of contract §4.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "duration.h"
#include "outcome.h"
#include "settings.h"
#include "signed_request.h"
#include "waitable.h"

namespace pulse {

struct TransportSettings {
  std::filesystem::path ca_file;  // empty: the system trust store
  std::string pinned_pubkey;
  std::string proxy;              // empty: HTTPS_PROXY / NO_PROXY
  Duration timeout = std::chrono::seconds(10);

  static TransportSettings from(const Settings& settings);
};

// Descriptors that every network wait watches besides its sockets (the
// daemon's signalfd and watchdog timer), so that a signal is acted on at
// once, never behind network I/O. When one is readable `on_wake` runs; it
// must consume what made it readable (or the wait would spin) and returns
// true to abort the exchange.
struct WakeWatch {
  std::vector<Waitable> fds;
  std::function<bool()> on_wake;
};

// How long one exchange may take, and how messages name that limit.
struct TimeLimit {
  Duration timeout;
  std::string name;  // "1m (server.timeout)"
};

class HttpClient {
 public:
  using SteadyClock = std::chrono::steady_clock;

  // Throws Failure(configuration) when the configured CA file cannot be read.
  explicit HttpClient(TransportSettings settings, WakeWatch wake_watch = {});

  // Throws Failure(configuration) when an https:// request finds no CA bundle.
  Outcome post(const HttpRequest& request) const;

  // A hard end for all later exchanges (the shutdown deadline), named in
  // time-out messages as `name` ("the 5s shutdown budget (…)").
  void end_all_by(SteadyClock::time_point deadline, std::string name);

  // For other transports over the same trust settings (ph://): the
  // settings, the CA bundle (the system's is found on first use; throws
  // Failure(configuration) when there is none), the time an exchange that
  // starts now may take, and the caller's wake-up descriptors.
  const TransportSettings& settings() const { return settings_; }
  const std::string& tls_ca_bundle() const;
  TimeLimit time_limit() const;
  const WakeWatch& wake_watch() const { return wake_watch_; }

 private:
  struct Deadline {
    SteadyClock::time_point at;
    std::string name;
  };

  TransportSettings settings_;
  mutable std::string ca_bundle_;  // found on first use by https:// or ph://
  WakeWatch wake_watch_;
  std::optional<Deadline> deadline_;
};

// The trust store when server.ca_file is not set: the bundle libcurl was
// built with if present, else the first of the usual distribution paths. On
// Windows none: empty, and Schannel uses the system's certificate store.
std::filesystem::path find_system_ca_bundle();

}  // namespace pulse
