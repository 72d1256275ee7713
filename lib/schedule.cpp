#include "schedule.h"

#include <algorithm>

namespace pulse {

namespace {

// A uniform delay in [0, span]; none for a span that is not positive.
Duration uniform_delay(Duration span, const RandomSource& random) {
  if (span <= Duration(0)) return Duration(0);
  return Duration(static_cast<Duration::rep>(random(static_cast<std::uint64_t>(span.count()))));
}

}  // namespace

Duration heartbeat_delay(Duration interval, Duration jitter, const RandomSource& random) {
  return interval + uniform_delay(jitter, random);
}

Duration next_heartbeat_at(HeartbeatAfter after, Duration last, Duration now, Duration interval,
                           Duration jitter, const RandomSource& random) {
  switch (after) {
    case HeartbeatAfter::online: return now + uniform_delay(interval, random);
    case HeartbeatAfter::heartbeat: return now + heartbeat_delay(interval, jitter, random);
    case HeartbeatAfter::reload: break;
  }
  const Duration due = last + heartbeat_delay(interval, jitter, random);
  return due >= now ? due : now + uniform_delay(interval, random);
}

Duration Backoff::next() {
  Duration ceiling = first_;
  for (int i = 0; i < attempt_ && ceiling < cap_; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, cap_);
  ++attempt_;
  return Duration(static_cast<Duration::rep>(random_(static_cast<std::uint64_t>(ceiling.count()))));
}

Duration retry_delay(Duration backoff, std::optional<std::chrono::seconds> retry_after,
                     const RandomSource& random) {
  if (!retry_after) return backoff;
  const Duration wait = std::min<Duration>(*retry_after, kMaxRetryAfter);
  return std::max(backoff, wait + uniform_delay(wait / 2, random));
}

Duration next_wake_up(Duration next_heartbeat, std::optional<Duration> retry_at) {
  return retry_at ? std::min(next_heartbeat, *retry_at) : next_heartbeat;
}

bool heartbeat_waits_for_retry(Duration now, std::optional<Duration> retry_at) {
  return retry_at && now < *retry_at;
}

SuspendDetector::SuspendDetector(const Clocks& clocks)
    : clocks_(clocks), suspended_so_far_(clocks.boottime() - clocks.monotonic()) {}

bool SuspendDetector::resumed_since_last_check(Duration threshold) {
  const Duration suspended = clocks_.boottime() - clocks_.monotonic();
  const bool resumed = suspended - suspended_so_far_ >= threshold;
  suspended_so_far_ = suspended;
  return resumed;
}

}  // namespace pulse
