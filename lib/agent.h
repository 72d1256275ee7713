// The agent core: from resolved settings, the identity, the transport, the
// presence channel and the spool, built once, and the delivery of an event
// under the spool lock (contract §6). `send`, `run` and `enroll` share it.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "event.h"
#include "file_lock.h"
#include "identity.h"
#include "inventory.h"
#include "outcome.h"
#include "presence_channel.h"
#include "settings.h"
#include "spool.h"
#include "transport.h"

namespace pulse {

// Whether a missing key is an error (send, and the daemon's reloads) or is
// made (the daemon's start, enroll), commented with `hostname()`.
struct KeyUse {
  bool create = false;
  std::function<std::string()> hostname;

  static KeyUse load() { return {}; }
  static KeyUse load_or_create(std::function<std::string()> hostname) {
    return {true, std::move(hostname)};
  }
};

// When a `send` holds the spool lock, the daemon looks again this soon
// instead of blocking.
inline constexpr std::chrono::seconds kSpoolLockBusyRetry{1};

// Opens the channel an agent delivers through: open_presence_channel in the
// program, a fake in the daemon's tests.
using ChannelFactory = std::function<std::unique_ptr<PresenceChannel>(
    const ServerUrl& server, const TransportContext& transport, const Identity& identity,
    const std::filesystem::path& key_file)>;

// What a look at the spool found when the daemon retried it.
struct SpoolRetry {
  bool lock_busy = false;         // a `send` holds it, or the state dir is unusable
  std::optional<Outcome> blocked;  // the outcome that stopped it; nullopt: all delivered
};

class Agent {
 public:
  // Throws Failure: a missing or bad server URL, CA file or key (configuration).
  Agent(Settings settings, const KeyUse& keys, WakeWatch wake_watch = {},
        const ChannelFactory& open_channel = open_presence_channel);

  const Settings& settings() const { return settings_; }
  const ServerUrl& server() const { return server_; }
  const Identity& identity() const { return *identity_; }
  TransportContext& transport() { return *transport_; }
  PresenceChannel& channel() { return *channel_; }
  Spool& spool() { return *spool_; }

  // A new event from this node, with metadata collected afresh; an ONLINE
  // carries `inventory`.
  StoredEvent presence_event(EventKind kind, const Inventory& inventory,
                             Clock::time_point made) const;

  // For `send`: waits for the spool lock, then delivers the spool and
  // `event` in order. Throws Failure(configuration) when the state dir is
  // unusable.
  Outcome deliver_waiting(const StoredEvent& event);

  // For the daemon, which never blocks on a `send`: while one holds the
  // spool lock the event is spooled and the outcome asks for a retry in 1 s;
  // when the state dir is unusable the event is sent alone. `under_lock`
  // runs first while the lock is held. Whatever a delivery throws becomes an
  // unavailable outcome and the event is kept.
  Outcome deliver_unless_busy(const StoredEvent& event,
                              const std::function<void(Spool&)>& under_lock = {});

  // For the daemon's retry: the spool alone, under the lock, not waiting.
  SpoolRetry retry_spool(const std::function<void(Spool&)>& under_lock = {});

 private:
  // The spool lock, or nullptr when the state dir is unusable (logged, with
  // what is done `instead`).
  std::unique_ptr<FileLock> try_spool_lock(std::string_view instead) const;
  Outcome deliver_guarded(const StoredEvent& event, Spool* spool);

  Settings settings_;
  ServerUrl server_;
  std::unique_ptr<TransportContext> transport_;
  std::unique_ptr<Identity> identity_;
  std::unique_ptr<PresenceChannel> channel_;
  std::unique_ptr<Spool> spool_;
};

}  // namespace pulse
