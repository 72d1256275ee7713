#include "scenarios.h"

namespace fleet {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

// The server can take 1 % of the fleet per second: 36 times the mean
// heartbeat load (N / 3750 per second at 60 m + up to 5 m), yet less than a
// fleet that comes back all at once asks for.
double capacity_for(std::uint32_t agents) { return agents / 100.0; }

double steady_load(std::uint32_t agents, const AgentSettings& settings) {
  const Duration mean_period = settings.interval + settings.jitter / 2;
  return agents / std::chrono::duration<double>(mean_period).count();
}

// A fleet that has been up a while: booted over one mean heartbeat period
// (so its heartbeats are spread evenly under either rules), settled by the
// second hour, when the disturbance comes.
Scenario steady_fleet(std::string name, std::uint32_t agents) {
  Scenario scenario;
  scenario.name = std::move(name);
  scenario.agents = agents;
  scenario.boot_spread = scenario.settings.interval + scenario.settings.jitter / 2;
  scenario.server.capacity = capacity_for(agents);
  scenario.steady_from = hours(1);
  return scenario;
}

}  // namespace

const std::vector<std::string>& scenario_names() {
  static const std::vector<std::string> names{"power-cut", "hub-outage", "retry-after",
                                              "config-change"};
  return names;
}

std::optional<Scenario> make_scenario(const std::string& name, std::uint32_t agents) {
  if (name == "power-cut") {
    // Every node boots within the same minute, then runs for six hours.
    Scenario scenario = steady_fleet(name, agents);
    scenario.boot_spread = seconds(60);
    scenario.end = hours(6);
    return scenario;
  }
  if (name == "hub-outage") {
    // The server is down for an hour, then back at full capacity.
    Scenario scenario = steady_fleet(name, agents);
    scenario.server.outages = {{hours(2), hours(3)}};
    scenario.recovered_at = hours(3);
    scenario.end = hours(5);
    return scenario;
  }
  if (name == "retry-after") {
    // For ten minutes the server manages half of the steady load and answers
    // the rest with 503 and Retry-After: 30.
    Scenario scenario = steady_fleet(name, agents);
    scenario.server.overloads = {{hours(2), hours(2) + minutes(10)}};
    scenario.server.overload_capacity = steady_load(agents, scenario.settings) / 2;
    scenario.server.retry_after = seconds(30);
    scenario.recovered_at = hours(2) + minutes(10);
    scenario.end = hours(4);
    return scenario;
  }
  if (name == "config-change") {
    // SIGHUP to the whole fleet in the same second, with the interval cut
    // from 60 m to 15 m: three quarters of the fleet are overdue at once.
    Scenario scenario = steady_fleet(name, agents);
    scenario.reload_at = hours(2);
    scenario.reloaded.interval = minutes(15);
    scenario.recovered_at = hours(2);
    scenario.steady_from = hours(2) + minutes(15);
    scenario.end = hours(4);
    return scenario;
  }
  return std::nullopt;
}

}  // namespace fleet
