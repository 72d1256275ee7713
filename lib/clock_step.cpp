#include "clock_step.h"

#include <algorithm>
#include <chrono>

namespace pulse {
namespace {

constexpr Duration kSmallestStep = std::chrono::seconds(1);

bool is_pending(const StoredEvent& event, const Spool& spool) {
  std::error_code error;
  return std::filesystem::exists(spool.dir() / spool_file_name(event), error);
}

}  // namespace

ClockReading ClockStepFollower::now() const {
  return {Clock::time_point(std::chrono::duration_cast<Clock::duration>(clocks_.realtime())),
          clocks_.boottime()};
}

void ClockStepFollower::remember(const StoredEvent& event, ClockReading made, const Spool& spool) {
  std::erase_if(events_, [&spool](const Made& known) { return !is_pending(known.event, spool); });
  events_.push_back({event, made});
}

std::size_t ClockStepFollower::follow(const Spool& spool) {
  const ClockReading now = this->now();
  std::size_t moved = 0;
  std::vector<Made> still_pending;
  for (const Made& known : events_) {
    const Clock::time_point happened = now.wall - (now.boottime - known.at.boottime);
    if (std::chrono::abs(happened - known.at.wall) < kSmallestStep) {
      still_pending.push_back(known);
      continue;
    }
    std::optional<StoredEvent> retimed = spool.retime(known.event, happened);
    if (!retimed) continue;  // delivered or set aside meanwhile
    still_pending.push_back({std::move(*retimed), {happened, known.at.boottime}});
    ++moved;
  }
  events_ = std::move(still_pending);
  return moved;
}

}  // namespace pulse
