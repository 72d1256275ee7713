#include "server.h"

#include <algorithm>

namespace fleet {
namespace {

std::size_t second_of(Duration t) {
  return static_cast<std::size_t>(std::chrono::duration_cast<std::chrono::seconds>(t).count());
}

bool inside(const std::vector<Window>& windows, Duration t) {
  return std::any_of(windows.begin(), windows.end(),
                     [t](const Window& window) { return window.contains(t); });
}

}  // namespace

Server::Server(ServerPlan plan, std::uint32_t agents, Duration end)
    : plan_(std::move(plan)),
      tokens_(std::max(1.0, plan_.capacity)),
      arrived_(second_of(end) + 1),
      accepted_(second_of(end) + 1),
      heartbeats_(second_of(end) + 1),
      seen_(agents),
      last_delivered_(agents) {}

double Server::capacity_at(Duration t) const {
  if (inside(plan_.outages, t)) return 0;
  return inside(plan_.overloads, t) ? plan_.overload_capacity : plan_.capacity;
}

// A token bucket holding at most one second of capacity (and at least one
// request), refilled at the capacity in force.
bool Server::take_token(Duration now) {
  const double rate = capacity_at(now);
  const double elapsed = std::chrono::duration<double>(now - refilled_at_).count();
  refilled_at_ = now;
  tokens_ = std::min(std::max(1.0, rate), tokens_ + elapsed * rate);
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

void Server::count(std::vector<std::uint32_t>& series, Duration now) const {
  const std::size_t second = second_of(now);
  if (second < series.size()) ++series[second];
}

Answer Server::deliver(std::uint32_t agent, const Event& event, Duration now) {
  if (inside(plan_.outages, now)) {
    ++requests_while_down_;
    return {};
  }
  count(arrived_, now);
  if (event.heartbeat) count(heartbeats_, now);
  if (!take_token(now)) return {false, plan_.retry_after};
  count(accepted_, now);

  std::vector<bool>& seen = seen_[agent];
  if (event.seq < seen.size() && seen[event.seq]) {
    ++duplicates_;
  } else {
    if (event.seq + 1 < seen.size()) ++order_violations_;  // a later one came first
    if (seen.size() <= event.seq) seen.resize(event.seq + 1);
    seen[event.seq] = true;
    ++delivered_;
  }
  longest_silence_ = std::max(longest_silence_, now - last_delivered_[agent]);
  last_delivered_[agent] = now;

  const std::size_t lag = second_of(now - event.created);
  if (lag_histogram_.size() <= lag) lag_histogram_.resize(lag + 1);
  ++lag_histogram_[lag];
  return {true, std::nullopt};
}

Duration Server::longest_silence(Duration end) const {
  Duration longest = longest_silence_;
  for (Duration last : last_delivered_) longest = std::max(longest, end - last);
  return longest;
}

}  // namespace fleet
