// N agents in simulated time against one simulated server: an event queue
// ordered by each agent's next wake-up, so a day of a fleet of 100 000 takes
// seconds.
#pragma once

#include <cstdint>
#include <string>

#include "server.h"

namespace fleet {

struct Scenario {
  std::string name;
  std::uint32_t agents = 0;
  Duration boot_spread{};  // agents boot at uniform times in [0, boot_spread]
  Duration end{};
  AgentSettings settings;
  ServerPlan server;
  // SIGHUP to every agent at the same time, with these settings.
  std::optional<Duration> reload_at;
  AgentSettings reloaded;
  // When the disturbance is over (the server is back, the reload was sent):
  // the time to drain counts from here.
  Duration recovered_at{};
  // From here on the heartbeats per minute are compared with the steady mean.
  Duration steady_from{};
};

struct Results {
  std::uint64_t created = 0;
  std::uint64_t delivered = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t lost = 0;  // neither delivered nor in a spool at the end
  std::uint64_t spooled_at_end = 0;
  std::uint64_t order_violations = 0;
  std::uint64_t requests = 0;  // that reached the server
  std::uint64_t rejected = 0;  // 503
  std::uint64_t requests_while_down = 0;
  std::uint32_t peak_load = 0;  // requests in the busiest second
  std::uint32_t p99_load = 0;
  Duration time_to_drain{};  // from recovered_at until every spool is empty
  Duration longest_silence{};
  std::uint32_t peak_heartbeat_minute = 0;  // from steady_from on
  double steady_heartbeat_minute = 0;       // N per interval, per minute
  double lag_p50 = 0, lag_p99 = 0, lag_max = 0;  // seconds
};

struct Run {
  Results results;
  std::vector<std::uint32_t> arrived, accepted, heartbeats;
  std::vector<double> capacity;  // per second
  std::vector<std::uint64_t> lag_histogram;
};

Run simulate(const Scenario& scenario, Rules rules, std::uint64_t seed);

}  // namespace fleet
