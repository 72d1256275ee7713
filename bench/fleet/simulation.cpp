#include "simulation.h"

#include <algorithm>
#include <functional>
#include <queue>
#include <random>

namespace fleet {
namespace {

struct Wake {
  Duration at;
  std::uint32_t agent;
  std::uint32_t generation;  // stale when the agent rescheduled since
  bool operator>(const Wake& other) const {
    return at != other.at ? at > other.at : agent > other.agent;
  }
};

// A seeded random source with the daemon's contract: uniform in [0, bound].
pulse::RandomSource seeded_random(std::mt19937_64& engine) {
  return [&engine](std::uint64_t bound) {
    return std::uniform_int_distribution<std::uint64_t>(0, bound)(engine);
  };
}

double seconds_of(std::size_t index) { return static_cast<double>(index); }

// The value below which `fraction` of the histogram's weight lies.
double quantile(const std::vector<std::uint64_t>& histogram, double fraction) {
  std::uint64_t total = 0;
  for (auto count : histogram) total += count;
  if (total == 0) return 0;
  const auto target = static_cast<std::uint64_t>(fraction * static_cast<double>(total));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < histogram.size(); ++i) {
    seen += histogram[i];
    if (seen > target) return seconds_of(i);
  }
  return seconds_of(histogram.size() - 1);
}

void summarise_load(const Scenario& scenario, Run& run) {
  Results& results = run.results;
  std::vector<std::uint32_t> sorted = run.arrived;
  std::sort(sorted.begin(), sorted.end());
  results.peak_load = sorted.back();
  results.p99_load = sorted[sorted.size() * 99 / 100];
  for (std::size_t s = 0; s < run.arrived.size(); ++s) {
    results.requests += run.arrived[s];
    results.rejected += run.arrived[s] - run.accepted[s];
  }
  const auto first_minute = static_cast<std::size_t>(
      std::chrono::duration_cast<std::chrono::minutes>(scenario.steady_from).count());
  for (std::size_t minute = first_minute; (minute + 1) * 60 <= run.heartbeats.size(); ++minute) {
    std::uint32_t sum = 0;
    for (std::size_t s = minute * 60; s < (minute + 1) * 60; ++s) sum += run.heartbeats[s];
    results.peak_heartbeat_minute = std::max(results.peak_heartbeat_minute, sum);
  }
  const AgentSettings& last = scenario.reload_at ? scenario.reloaded : scenario.settings;
  results.steady_heartbeat_minute =
      scenario.agents / std::chrono::duration<double, std::ratio<60>>(last.interval).count();

  results.lag_p50 = quantile(run.lag_histogram, 0.5);
  results.lag_p99 = quantile(run.lag_histogram, 0.99);
  results.lag_max = quantile(run.lag_histogram, 1.0);
}

}  // namespace

Run simulate(const Scenario& scenario, Rules rules, std::uint64_t seed) {
  std::mt19937_64 engine(seed);
  const pulse::RandomSource random = seeded_random(engine);
  Server server(scenario.server, scenario.agents, scenario.end);

  std::vector<Agent> agents;
  std::vector<std::uint32_t> generation(scenario.agents, 0);
  agents.reserve(scenario.agents);
  std::priority_queue<Wake, std::vector<Wake>, std::greater<>> queue;
  for (std::uint32_t id = 0; id < scenario.agents; ++id) {
    agents.emplace_back(id, random, rules);
    queue.push({pulse::Duration(random(static_cast<std::uint64_t>(scenario.boot_spread.count()))),
                id, 0});
  }

  std::uint64_t spooled = 0;
  Duration drained_at{};
  bool reloaded = false;
  while (!queue.empty() && queue.top().at < scenario.end) {
    if (scenario.reload_at && !reloaded && queue.top().at >= *scenario.reload_at) {
      reloaded = true;
      for (std::uint32_t id = 0; id < scenario.agents; ++id) {
        if (!agents[id].started()) continue;
        agents[id].request_reload(scenario.reloaded);
        queue.push({*scenario.reload_at, id, ++generation[id]});
      }
      continue;
    }
    const Wake wake = queue.top();
    queue.pop();
    if (wake.generation != generation[wake.agent]) continue;
    Agent& agent = agents[wake.agent];
    const std::size_t spooled_before = agent.spool().size();
    if (agent.started()) {
      agent.act(wake.at, server);
    } else {
      server.booted(wake.agent, wake.at);
      agent.start(wake.at, scenario.settings, server);
    }
    spooled = spooled - spooled_before + agent.spool().size();
    if (spooled == 0 && spooled_before > 0) drained_at = wake.at;
    queue.push({agent.wake_up(), wake.agent, ++generation[wake.agent]});
  }

  Run run;
  Results& results = run.results;
  for (const Agent& agent : agents) {
    results.created += agent.events_created();
    results.spooled_at_end += agent.spool().size();
  }
  results.delivered = server.delivered();
  results.duplicates = server.duplicates();
  results.order_violations = server.order_violations();
  results.lost = results.created - results.delivered - results.spooled_at_end;
  results.requests_while_down = server.requests_while_down();
  results.time_to_drain = std::max(Duration(0), drained_at - scenario.recovered_at);
  results.longest_silence = server.longest_silence(scenario.end);
  run.arrived = server.arrived();
  run.accepted = server.accepted();
  run.heartbeats = server.heartbeats();
  run.lag_histogram = server.lag_histogram();
  for (std::size_t s = 0; s < run.arrived.size(); ++s) {
    run.capacity.push_back(server.capacity_at(std::chrono::seconds(s)));
  }
  summarise_load(scenario, run);
  return run;
}

}  // namespace fleet
