// When the daemon acts next: heartbeat jitter, retry backoff and suspend
// detection, kept apart from the event loop so tests drive them with a fake
// clock and random source.
#pragma once

#include <optional>

#include "duration.h"
#include "random.h"

namespace pulse {

// The kernel clocks the daemon compares; tests substitute them.
class Clocks {
 public:
  virtual ~Clocks() = default;
  virtual Duration boottime() const = 0;   // CLOCK_BOOTTIME: counts suspend
  virtual Duration monotonic() const = 0;  // CLOCK_MONOTONIC: stops while suspended
  virtual Duration realtime() const = 0;   // CLOCK_REALTIME: the wall clock, which can be set
};

const Clocks& system_clocks();

// interval plus a uniform random delay in [0, jitter], so a fleet that
// booted together spreads its heartbeats.
Duration heartbeat_delay(Duration interval, Duration jitter, const RandomSource& random);

// What the daemon just did when it schedules the next heartbeat.
enum class HeartbeatAfter { online, heartbeat, reload };

// When the next heartbeat is due (on the boot-time clock), docs/FLEET.md:
// - after ONLINE: at a uniform point within one interval, so a fleet that
//   booted together (a power cut) spreads over the whole interval instead of
//   heartbeating together all day;
// - after a HEARTBEAT: heartbeat_delay from now;
// - after a reload: heartbeat_delay from the last heartbeat (or ONLINE); when
//   that is already past (the interval got shorter), at a uniform point
//   within one new interval, so a fleet reloaded at once does not send in
//   the same second.
Duration next_heartbeat_at(HeartbeatAfter after, Duration last, Duration now, Duration interval,
                           Duration jitter, const RandomSource& random);

// The daemon's retry backoff: 1 s doubling to 5 min (contract §9.2).
constexpr Duration kFirstRetry = std::chrono::seconds(1);
constexpr Duration kMaxRetry = std::chrono::minutes(5);

// Exponential backoff with full jitter: attempt n waits a uniform delay in
// [0, min(cap, first · 2^n)].
class Backoff {
 public:
  Backoff(Duration first, Duration cap, RandomSource random)
      : first_(first), cap_(cap), random_(std::move(random)) {}

  Duration next();  // the delay before the next retry
  void reset() { attempt_ = 0; }
  int attempts() const { return attempt_; }

 private:
  Duration first_;
  Duration cap_;
  RandomSource random_;
  int attempt_ = 0;
};

// The longest Retry-After the daemon obeys: an hour, the default heartbeat
// interval. A server can ask for a pause, not for a node to fall silent for
// longer than that.
constexpr Duration kMaxRetryAfter = std::chrono::hours(1);

// The wait before the next retry: the backoff's delay, or the server's
// Retry-After (at most kMaxRetryAfter) plus a uniform extra of up to half of
// it when that is longer, so nodes refused in the same second do not all
// come back in the same second.
Duration retry_delay(Duration backoff, std::optional<std::chrono::seconds> retry_after,
                     const RandomSource& random);

// The daemon's next wake-up for an event: the heartbeat, or the retry when
// one is pending and comes first.
Duration next_wake_up(Duration next_heartbeat, std::optional<Duration> retry_at);

// Whether a heartbeat falling due at `now` only joins the spool: while a
// retry is pending (the backoff's, or the server's Retry-After) the node
// does not ask the server before it, and the retry delivers the heartbeat
// in order.
bool heartbeat_waits_for_retry(Duration now, std::optional<Duration> retry_at);

// Notices that the machine was suspended: the boot-time clock ran ahead of
// the monotonic one since the last look.
class SuspendDetector {
 public:
  explicit SuspendDetector(const Clocks& clocks);
  // True once after each suspend of at least `threshold`.
  bool resumed_since_last_check(Duration threshold = std::chrono::seconds(2));

 private:
  const Clocks& clocks_;
  Duration suspended_so_far_;
};

}  // namespace pulse
