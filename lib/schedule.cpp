#include "schedule.h"

#include <algorithm>

namespace pulse {

Duration heartbeat_delay(Duration interval, Duration jitter, const RandomSource& random) {
  return interval + Duration(static_cast<Duration::rep>(
                        random(static_cast<std::uint64_t>(std::max<Duration::rep>(jitter.count(), 0)))));
}

Duration Backoff::next() {
  Duration ceiling = first_;
  for (int i = 0; i < attempt_ && ceiling < cap_; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, cap_);
  ++attempt_;
  return Duration(static_cast<Duration::rep>(random_(static_cast<std::uint64_t>(ceiling.count()))));
}

Duration retry_delay(Duration backoff, std::optional<std::chrono::seconds> retry_after) {
  if (!retry_after) return backoff;
  return std::max(backoff, std::min<Duration>(*retry_after, kMaxRetryAfter));
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
