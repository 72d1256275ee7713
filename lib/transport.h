// What every transport to the server shares (contract §4): the trust
// settings, the time an exchange may take, and the descriptors that wake a
// network wait. HTTPS and ph:// both take one, so neither leans on the other.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "duration.h"
#include "settings.h"
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
// daemon's signals and watchdog), so that a signal is acted on at once,
// never behind network I/O. When one is readable `on_wake` runs; it must
// consume what made it readable (or the wait would spin) and returns true
// to abort the exchange.
struct WakeWatch {
  std::vector<Waitable> fds;
  std::function<bool()> on_wake;
};

// How long one exchange may take, and how messages name that limit.
struct TimeLimit {
  Duration timeout;
  std::string name;  // "1m (server.timeout)"
};

class TransportContext {
 public:
  using SteadyClock = std::chrono::steady_clock;

  // Throws Failure(configuration) when the configured CA file cannot be read.
  explicit TransportContext(TransportSettings settings, WakeWatch wake_watch = {});

  const TransportSettings& settings() const { return settings_; }
  // The CA bundle file: server.ca_file, or the system's, found on first use.
  // Throws Failure(configuration) when there is none.
  const std::string& ca_bundle() const;
  // The time an exchange that starts now may take.
  TimeLimit time_limit() const;
  const WakeWatch& wake_watch() const { return wake_watch_; }

  // A hard end for all later exchanges (the shutdown deadline), named in
  // time-out messages as `name` ("the 5s shutdown budget (…)").
  void end_all_by(SteadyClock::time_point deadline, std::string name);

 private:
  struct Deadline {
    SteadyClock::time_point at;
    std::string name;
  };

  TransportSettings settings_;
  mutable std::string ca_bundle_;
  WakeWatch wake_watch_;
  std::optional<Deadline> deadline_;
};

// Throws std::runtime_error when libcurl cannot be initialised; cheap after
// the first call.
void ensure_curl_initialised();

// The trust store when server.ca_file is not set: the bundle libcurl was
// built with if present, else the first of the usual distribution paths. On
// Windows none: empty, and Schannel uses the system's certificate store.
// Defined per platform. Throws Failure(configuration) when there is none.
std::filesystem::path find_system_ca_bundle();

}  // namespace pulse
