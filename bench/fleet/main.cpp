// pulse-fleet: simulates a fleet of pharos-pulse daemons against one server
// (docs/FLEET.md). Prints one tab-separated line of results; with --out also
// writes the per-second load and the delivery lag distribution as CSV.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "scenarios.h"

namespace {

using fleet::Results;

constexpr const char* kHeader =
    "scenario\trules\tagents\tcapacity\tpeak\tp99\tdrain_s\tcreated\tdelivered\tlost\t"
    "spooled_at_end\tduplicates\torder_violations\trequests\trejected\tlongest_silence_s\t"
    "lag_p50_s\tlag_p99_s\tlag_max_s\tpeak_heartbeat_minute\tsteady_heartbeat_minute";

double seconds(fleet::Duration d) { return std::chrono::duration<double>(d).count(); }

void print_row(const fleet::Scenario& scenario, const std::string& rules, const Results& r) {
  std::printf(
      "%s\t%s\t%u\t%.0f\t%u\t%u\t%.0f\t%llu\t%llu\t%llu\t%llu\t%llu\t%llu\t%llu\t%llu\t%.0f\t"
      "%.0f\t%.0f\t%.0f\t%u\t%.1f\n",
      scenario.name.c_str(), rules.c_str(), scenario.agents, scenario.server.capacity,
      r.peak_load, r.p99_load, seconds(r.time_to_drain),
      static_cast<unsigned long long>(r.created), static_cast<unsigned long long>(r.delivered),
      static_cast<unsigned long long>(r.lost), static_cast<unsigned long long>(r.spooled_at_end),
      static_cast<unsigned long long>(r.duplicates),
      static_cast<unsigned long long>(r.order_violations),
      static_cast<unsigned long long>(r.requests), static_cast<unsigned long long>(r.rejected),
      seconds(r.longest_silence), r.lag_p50, r.lag_p99, r.lag_max, r.peak_heartbeat_minute,
      r.steady_heartbeat_minute);
}

void write_csv(const std::filesystem::path& prefix, const fleet::Run& run) {
  std::ofstream load(prefix.string() + ".load.csv");
  load << "second,arrived,accepted,heartbeats,capacity\n";
  for (std::size_t s = 0; s < run.arrived.size(); ++s) {
    load << s << ',' << run.arrived[s] << ',' << run.accepted[s] << ',' << run.heartbeats[s]
         << ',' << run.capacity[s] << '\n';
  }
  std::ofstream lag(prefix.string() + ".lag.csv");
  lag << "lag_seconds,fraction_delivered_within\n";
  std::uint64_t total = 0, seen = 0;
  for (auto count : run.lag_histogram) total += count;
  for (std::size_t s = 0; s < run.lag_histogram.size(); ++s) {
    if (run.lag_histogram[s] == 0) continue;
    seen += run.lag_histogram[s];
    lag << s + 1 << ',' << static_cast<double>(seen) / static_cast<double>(total) << '\n';
  }
  if (!load || !lag) throw std::runtime_error("cannot write " + prefix.string() + ".*.csv");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Simulates a fleet of pharos-pulse daemons against one server"};
  std::string name;
  std::uint32_t agents = 1000;
  std::string rules_name = "current";
  std::uint64_t seed = 1;
  std::string out;
  double capacity = 0;
  std::optional<std::int64_t> retry_after;
  bool header = false;
  app.add_option("--scenario", name, "power-cut, hub-outage, retry-after or config-change");
  app.add_option("--agents", agents, "fleet size")->check(CLI::Range(1u, 10'000'000u));
  app.add_option("--rules", rules_name, "current: the daemon as built; before: as it was")
      ->check(CLI::IsMember({"current", "before"}));
  app.add_option("--seed", seed, "random seed");
  app.add_option("--capacity", capacity, "the server's requests per second (default: 1 % of N)")
      ->check(CLI::PositiveNumber);
  app.add_option("--retry-after", retry_after, "the Retry-After (seconds) of every 503")
      ->check(CLI::Range(0, 86400));
  app.add_option("--out", out, "write <out>.load.csv and <out>.lag.csv");
  app.add_flag("--header", header, "print the column names first");
  CLI11_PARSE(app, argc, argv);

  if (header) std::printf("%s\n", kHeader);
  if (name.empty()) return 0;
  std::optional<fleet::Scenario> scenario = fleet::make_scenario(name, agents);
  if (!scenario) {
    std::cerr << "pulse-fleet: unknown scenario '" << name << "'\n";
    return 64;
  }
  if (capacity > 0) scenario->server.capacity = capacity;
  if (retry_after) scenario->server.retry_after = std::chrono::seconds(*retry_after);
  const fleet::Rules rules = rules_name == "before" ? fleet::Rules::before : fleet::Rules::current;
  const fleet::Run run = fleet::simulate(*scenario, rules, seed);
  print_row(*scenario, rules_name, run.results);
  if (!out.empty()) write_csv(out, run);
  return 0;
}
