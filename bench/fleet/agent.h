// One simulated pharos-pulse daemon: the daemon's event loop (lib/daemon.cpp)
// reduced to its scheduling, with every decision taken by the same functions
// the daemon calls (lib/schedule.h).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "schedule.h"

namespace fleet {

using pulse::Duration;

// The decision rules an agent follows. `current` is the daemon as built;
// `before` is the daemon before the fleet simulation changed it (first
// heartbeat a whole interval after ONLINE, Retry-After without jitter, an
// overdue reload sent at once), expressed with the same functions.
enum class Rules { current, before };

struct Event {
  std::uint32_t seq;  // per agent, in creation order: the idempotency key
  bool heartbeat;     // HEARTBEAT (else ONLINE)
  Duration created;
};

// What the simulated server answered to one request.
struct Answer {
  bool delivered = false;
  std::optional<std::chrono::seconds> retry_after;
};

// The server as an agent sees it: one request, one answer.
class Peer {
 public:
  virtual ~Peer() = default;
  virtual Answer deliver(std::uint32_t agent, const Event& event, Duration now) = 0;
};

struct AgentSettings {
  Duration interval = std::chrono::minutes(60);
  Duration jitter = std::chrono::minutes(5);
  std::size_t spool_max_events = 1000;  // spool.max_events
};

class Agent {
 public:
  Agent(std::uint32_t id, const pulse::RandomSource& random, Rules rules);

  // The daemon's start: ONLINE (with the spool before it), then the first
  // heartbeat is scheduled.
  void start(Duration now, const AgentSettings& settings, Peer& peer);
  // SIGHUP with new settings: acted on at the next act().
  void request_reload(const AgentSettings& settings);
  // Does everything that is due at `now`, as Daemon::act_on_what_is_due.
  void act(Duration now, Peer& peer);
  // When the daemon's event timer fires next.
  Duration wake_up() const { return pulse::next_wake_up(next_heartbeat_, retry_at_); }

  bool started() const { return started_; }
  const std::vector<Event>& spool() const { return spool_; }
  std::uint32_t events_created() const { return next_seq_; }
  std::uint64_t events_dropped() const { return dropped_; }
  std::optional<Duration> retry_at() const { return retry_at_; }
  Duration next_heartbeat() const { return next_heartbeat_; }

 private:
  void send(bool heartbeat, Duration now, Peer& peer);
  void schedule_heartbeat(pulse::HeartbeatAfter after, Duration now);
  void retry_spool(Duration now, Peer& peer);
  // deliver_spool: oldest first, stops at the first one not delivered.
  std::optional<Answer> deliver_spool(Duration now, Peer& peer);
  void add_to_spool(const Event& event);
  void after_delivery(const Answer& answer, Duration now);

  std::uint32_t id_;
  const pulse::RandomSource& random_;
  Rules rules_;
  pulse::Backoff backoff_;
  AgentSettings settings_;
  std::optional<AgentSettings> reload_;
  bool started_ = false;
  std::uint32_t next_seq_ = 0;
  std::uint64_t dropped_ = 0;
  Duration last_heartbeat_{};
  Duration next_heartbeat_{};
  std::optional<Duration> retry_at_;
  std::vector<Event> spool_;
};

}  // namespace fleet
