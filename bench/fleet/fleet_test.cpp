#include <catch2/catch.hpp>

#include "scenarios.h"

using namespace std::chrono_literals;
using fleet::Agent;
using fleet::Answer;
using fleet::Duration;
using fleet::Event;
using fleet::Rules;

namespace {

// Answers every request the same way and counts them.
struct ScriptedPeer : fleet::Peer {
  Answer answer{true, std::nullopt};
  std::vector<Event> requests;
  Answer deliver(std::uint32_t, const Event& event, Duration) override {
    requests.push_back(event);
    return answer;
  }
};

// The same fixed point of every range, for the agent and for the reference.
const pulse::RandomSource& fixed_random() {
  static const pulse::RandomSource random = [](std::uint64_t bound) { return bound / 3; };
  return random;
}

fleet::Results run(const std::string& name, std::uint32_t agents, Rules rules) {
  return fleet::simulate(*fleet::make_scenario(name, agents), rules, 7).results;
}

void check_nothing_lost(const fleet::Results& results) {
  CHECK(results.lost == 0);
  CHECK(results.spooled_at_end == 0);
  CHECK(results.order_violations == 0);
  CHECK(results.duplicates == 0);
  CHECK(results.delivered == results.created);
}

}  // namespace

TEST_CASE("fleet: a simulated agent wakes up when the daemon's schedule functions say") {
  const pulse::RandomSource& random = fixed_random();
  const fleet::AgentSettings settings;
  ScriptedPeer peer;
  Agent agent(0, random, Rules::current);
  // The daemon's own state, driven through the same functions it calls.
  pulse::Backoff backoff(pulse::kFirstRetry, pulse::kMaxRetry, random);

  agent.start(100s, settings, peer);
  Duration heartbeat = pulse::next_heartbeat_at(pulse::HeartbeatAfter::online, 0s, 100s,
                                                settings.interval, settings.jitter, random);
  CHECK(heartbeat == 100s + 20min);
  CHECK(agent.wake_up() == pulse::next_wake_up(heartbeat, std::nullopt));

  // The heartbeat is refused with a Retry-After: it waits in the spool.
  peer.answer = {false, 30s};
  agent.act(heartbeat, peer);
  const Duration retry =
      heartbeat + pulse::retry_delay(backoff.next(), 30s, random);
  const Duration next = pulse::next_heartbeat_at(pulse::HeartbeatAfter::heartbeat, 0s, heartbeat,
                                                 settings.interval, settings.jitter, random);
  CHECK(agent.wake_up() == pulse::next_wake_up(next, retry));
  CHECK(agent.wake_up() == heartbeat + 35s);
  CHECK(agent.spool().size() == 1);

  // Still refused: the backoff grows, as in the daemon.
  agent.act(retry, peer);
  CHECK(agent.wake_up() == retry + pulse::retry_delay(backoff.next(), 30s, random));

  // Delivered: the spool drains oldest first and the retry is dropped.
  peer.answer = {true, std::nullopt};
  peer.requests.clear();
  agent.act(agent.wake_up(), peer);
  CHECK(agent.spool().empty());
  CHECK(agent.wake_up() == next);
  REQUIRE(peer.requests.size() == 1);
  CHECK(peer.requests[0].seq == 1);
}

TEST_CASE("fleet: a reload that makes the heartbeat overdue follows the daemon's rule") {
  const pulse::RandomSource& random = fixed_random();
  ScriptedPeer peer;
  Agent agent(0, random, Rules::current);
  agent.start(0s, {}, peer);
  agent.act(agent.wake_up(), peer);  // the first heartbeat, at 20 min
  fleet::AgentSettings shorter;
  shorter.interval = 15min;
  agent.request_reload(shorter);
  agent.act(50min, peer);
  CHECK(agent.wake_up() == pulse::next_heartbeat_at(pulse::HeartbeatAfter::reload, 20min, 50min,
                                                    15min, shorter.jitter, random));
  CHECK(agent.wake_up() == 55min);
  CHECK(peer.requests.size() == 2);  // nothing sent at the reload itself

  Agent before(1, random, Rules::before);
  before.start(0s, {}, peer);
  CHECK(before.wake_up() == 61min + 40s);  // a whole interval plus jitter
}

TEST_CASE("fleet: a power cut leaves the heartbeats spread out (1 000 nodes)") {
  const fleet::Results results = run("power-cut", 1000, Rules::current);
  check_nothing_lost(results);
  CHECK(results.peak_heartbeat_minute <= 2 * results.steady_heartbeat_minute);
  CHECK(results.longest_silence <= 65min + 1s);  // the interval plus the jitter

  // As it was: the fleet kept heartbeating together.
  const fleet::Results before = run("power-cut", 1000, Rules::before);
  CHECK(before.peak_heartbeat_minute > 4 * before.steady_heartbeat_minute);
}

TEST_CASE("fleet: a hub outage loses nothing and drains within the backoff's cap (1 000 nodes)") {
  const fleet::Results results = run("hub-outage", 1000, Rules::current);
  check_nothing_lost(results);
  // Every node is back within the 5 min backoff cap, and the server, at 1 %
  // of the fleet per second, refuses none of it.
  CHECK(results.time_to_drain <= 5min);
  CHECK(results.rejected == 0);
}

TEST_CASE("fleet: a Retry-After storm comes back spread out (1 000 nodes)") {
  const fleet::Results results = run("retry-after", 1000, Rules::current);
  check_nothing_lost(results);
  CHECK(results.time_to_drain <= 5min);
  CHECK(results.rejected > 0);
}

TEST_CASE("fleet: a SIGHUP to the whole fleet sends no burst (1 000 nodes)") {
  const fleet::Results results = run("config-change", 1000, Rules::current);
  check_nothing_lost(results);
  CHECK(results.peak_load <= 20);

  const fleet::Results before = run("config-change", 1000, Rules::before);
  CHECK(before.peak_load >= 500);  // three quarters of the fleet in one second
}
