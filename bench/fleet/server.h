// The simulated Pharos server: a capacity in requests per second (a token
// bucket), 503 past it (optionally with Retry-After), no answer at all while
// down; it records what a fleet did to it.
#pragma once

#include <vector>

#include "agent.h"

namespace fleet {

struct Window {
  Duration from;
  Duration to;
  bool contains(Duration t) const { return t >= from && t < to; }
};

struct ServerPlan {
  double capacity = 0;  // requests per second
  std::vector<Window> outages;
  std::vector<Window> overloads;  // capacity is overload_capacity meanwhile
  double overload_capacity = 0;
  std::optional<std::chrono::seconds> retry_after;  // sent with every 503
};

class Server : public Peer {
 public:
  Server(ServerPlan plan, std::uint32_t agents, Duration end);

  Answer deliver(std::uint32_t agent, const Event& event, Duration now) override;

  // The node booted: its time without a delivered event starts now.
  void booted(std::uint32_t agent, Duration now) { last_delivered_[agent] = now; }
  double capacity_at(Duration t) const;

  // Per second: requests that reached the server, accepted ones (2xx),
  // heartbeat requests among those that reached it.
  const std::vector<std::uint32_t>& arrived() const { return arrived_; }
  const std::vector<std::uint32_t>& accepted() const { return accepted_; }
  const std::vector<std::uint32_t>& heartbeats() const { return heartbeats_; }
  // Delivered events by delivery lag (creation to 2xx), in whole seconds.
  const std::vector<std::uint64_t>& lag_histogram() const { return lag_histogram_; }

  std::uint64_t delivered() const { return delivered_; }
  std::uint64_t duplicates() const { return duplicates_; }
  std::uint64_t order_violations() const { return order_violations_; }
  std::uint64_t requests_while_down() const { return requests_while_down_; }
  // The longest time any node went without a delivered event, up to `end`.
  Duration longest_silence(Duration end) const;

 private:
  bool take_token(Duration now);
  void count(std::vector<std::uint32_t>& series, Duration now) const;

  ServerPlan plan_;
  double tokens_;
  Duration refilled_at_{};
  std::vector<std::uint32_t> arrived_;
  std::vector<std::uint32_t> accepted_;
  std::vector<std::uint32_t> heartbeats_;
  std::vector<std::uint64_t> lag_histogram_;
  // Per node: which of its events were delivered, the highest one, and when
  // the last one arrived.
  std::vector<std::vector<bool>> seen_;
  std::vector<Duration> last_delivered_;
  Duration longest_silence_{};
  std::uint64_t delivered_ = 0;
  std::uint64_t duplicates_ = 0;
  std::uint64_t order_violations_ = 0;
  std::uint64_t requests_while_down_ = 0;
};

}  // namespace fleet
