#include "daemon.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "log.h"
#include "temp_dir.h"

using namespace std::chrono_literals;

namespace {

using pulse::Duration;

// Clocks that move only when the fake loop moves them.
struct FakeClocks : pulse::Clocks {
  Duration boot = 1h;
  Duration mono = 1h;
  Duration real = std::chrono::duration_cast<Duration>(
      std::chrono::system_clock::now().time_since_epoch());

  Duration boottime() const override { return boot; }
  Duration monotonic() const override { return mono; }
  Duration realtime() const override { return real; }

  void advance(Duration by) {
    boot += by;
    mono += by;
    real += by;
  }
};

// Something that happens at a time since the start (on the boot-time clock):
// a signal, or a suspend of `suspended` that the monotonic clock misses;
// `first` runs just before (a person editing the config).
struct Scripted {
  Duration at;
  std::optional<pulse::Request> request;
  Duration suspended{0};
  std::function<void()> first;
};

std::string name_of(pulse::Request request) {
  switch (request) {
    case pulse::Request::stop: return "SIGTERM";
    case pulse::Request::reload: return "SIGHUP";
    case pulse::Request::heartbeat: return "SIGUSR1";
  }
  return "";
}

// Sleeps by jumping its clocks to the deadline asked for, or to the next
// scripted happening before it.
class FakeLoop : public pulse::EventLoop {
 public:
  FakeLoop(FakeClocks& clocks, std::deque<Scripted> script)
      : clocks_(clocks), start_(clocks.boot), script_(std::move(script)) {}

  const pulse::Clocks& clocks() const override { return clocks_; }
  void ping_every(Duration) override {}
  std::vector<pulse::Waitable> wake_sources() const override { return {}; }
  pulse::Wakeup take() override { return {}; }

  pulse::Wakeup wait_until(Duration deadline) override {
    // A daemon that never stops would otherwise run this test forever.
    if (++waits_ > 10'000) throw std::runtime_error("the daemon did not stop");
    if (!script_.empty() && start_ + script_.front().at <= deadline) {
      const Scripted next = script_.front();
      script_.pop_front();
      if (next.first) next.first();
      if (start_ + next.at > clocks_.boot) clocks_.advance(start_ + next.at - clocks_.boot);
      clocks_.boot += next.suspended;
      clocks_.real += next.suspended;
      pulse::Wakeup wakeup;
      if (next.request) wakeup.signals.push_back({*next.request, name_of(*next.request)});
      return wakeup;
    }
    if (deadline > clocks_.boot) clocks_.advance(deadline - clocks_.boot);
    return {};
  }

 private:
  FakeClocks& clocks_;
  Duration start_;
  std::deque<Scripted> script_;
  int waits_ = 0;
};

// One delivery attempt as the fake channel saw it.
struct Attempt {
  std::string event;        // ONLINE, HEARTBEAT, OFFLINE
  Duration at;              // since the start
  std::string destination;  // the server it went to
  pulse::TimeLimit limit;   // the time it was given
};

// Answers with scripted outcomes (delivered once the script runs out) and
// records every attempt, across the channels each reload opens.
struct ChannelScript {
  const FakeClocks* clocks = nullptr;
  Duration start;
  std::deque<pulse::Outcome> outcomes;
  std::vector<Attempt> attempts;

  std::vector<std::string> events() const {
    std::vector<std::string> names;
    for (const Attempt& attempt : attempts) names.push_back(attempt.event);
    return names;
  }
};

class FakeChannel : public pulse::PresenceChannel {
 public:
  FakeChannel(ChannelScript& script, std::string destination,
              const pulse::TransportContext& transport)
      : script_(script), destination_(std::move(destination)), transport_(transport) {}

  pulse::Outcome deliver(const pulse::StoredEvent& event) override {
    const auto payload = nlohmann::json::parse(event.payload);
    script_.attempts.push_back({payload.at("event").get<std::string>(),
                                script_.clocks->boot - script_.start, destination_,
                                transport_.time_limit()});
    if (script_.outcomes.empty()) {
      pulse::Outcome delivered;
      delivered.kind = pulse::OutcomeKind::delivered;
      delivered.status = 200;
      return delivered;
    }
    pulse::Outcome outcome = script_.outcomes.front();
    script_.outcomes.pop_front();
    return outcome;
  }
  std::string dry_run(const pulse::StoredEvent&) override { return ""; }
  std::string destination() const override { return destination_; }

 private:
  ChannelScript& script_;
  std::string destination_;
  const pulse::TransportContext& transport_;
};

pulse::Outcome unavailable(std::optional<std::chrono::seconds> retry_after = std::nullopt) {
  pulse::Outcome outcome = pulse::unavailable_outcome("the hub is down");
  outcome.retry_after = retry_after;
  return outcome;
}

// A daemon over a real key and spool in a temp dir, with fake clocks, a
// random source that always draws the middle, and a fake channel.
class DaemonUnderTest {
 public:
  DaemonUnderTest() {
    pulse::log::configure({pulse::log::Level::error, false});
    channel_.clocks = &clocks_;
    channel_.start = clocks_.boot;
    server_url = "http://127.0.0.1:9";
  }

  std::string server_url;
  ChannelScript& channel() { return channel_; }
  pulse::Spool spool() const { return pulse::Spool(settings().spool_dir(), 1000); }

  pulse::Settings settings() const {
    pulse::Settings settings;
    settings.config_file = dir_.path() / "pulse.toml";
    settings.server_url = server_url;
    settings.read_server_url();
    settings.key_file = dir_.path() / "id_ed25519";
    settings.state_dir = dir_.path() / "state";
    settings.hostname = "daemon-test";
    settings.heartbeat_interval = 60s;
    settings.heartbeat_jitter = 10s;
    settings.timeout = 10s;
    settings.shutdown_timeout = 3s;
    return settings;
  }

  pulse::ExitCode run(std::deque<Scripted> script) {
    pulse::DaemonParts parts;
    parts.loop = std::make_unique<FakeLoop>(clocks_, std::move(script));
    parts.random = [](std::uint64_t bound) { return bound / 2; };
    parts.open_channel = [this](const pulse::ServerUrl& server,
                                const pulse::TransportContext& transport, const pulse::Identity&,
                                const std::filesystem::path&) {
      return std::make_unique<FakeChannel>(channel_, server.origin, transport);
    };
    return pulse::run_daemon([this] { return settings(); }, {}, std::move(parts));
  }

 private:
  pulse::test::TempDir dir_{"pulse-daemon"};
  FakeClocks clocks_;
  ChannelScript channel_;
};

Scripted at(Duration when, pulse::Request request, std::function<void()> first = {}) {
  return {when, request, Duration(0), std::move(first)};
}

Scripted suspended_at(Duration when, Duration suspended) {
  return {when, std::nullopt, suspended, {}};
}

using Request = pulse::Request;

}  // namespace

TEST_CASE("daemon: ONLINE first, heartbeats with jitter, OFFLINE at SIGTERM", "[daemon]") {
  DaemonUnderTest daemon;
  CHECK(daemon.run({at(100s, Request::stop)}) == pulse::ExitCode::ok);

  const auto& attempts = daemon.channel().attempts;
  REQUIRE(daemon.channel().events() ==
          std::vector<std::string>{"ONLINE", "HEARTBEAT", "HEARTBEAT", "OFFLINE"});
  CHECK(attempts[0].at == 0s);
  // After ONLINE: within one interval (the middle of 60 s); after a
  // heartbeat: the interval plus jitter (the middle of 10 s).
  CHECK(attempts[1].at == 30s);
  CHECK(attempts[2].at == 95s);
  CHECK(attempts[3].at == 100s);
}

TEST_CASE("daemon: an unavailable server is retried with backoff from the spool", "[daemon]") {
  DaemonUnderTest daemon;
  daemon.channel().outcomes = {unavailable(), unavailable(), unavailable()};
  CHECK(daemon.run({at(20s, Request::stop)}) == pulse::ExitCode::ok);

  const auto& attempts = daemon.channel().attempts;
  REQUIRE(daemon.channel().events() ==
          std::vector<std::string>{"ONLINE", "ONLINE", "ONLINE", "ONLINE", "OFFLINE"});
  // Full jitter, drawn in the middle: 0.5 s, 1 s, 2 s after each failure.
  CHECK(attempts[1].at == 500ms);
  CHECK(attempts[2].at == 1500ms);
  CHECK(attempts[3].at == 3500ms);
  CHECK(daemon.spool().pending().empty());
}

TEST_CASE("daemon: a Retry-After holds the spool back, heartbeats join it", "[daemon]") {
  DaemonUnderTest daemon;
  daemon.channel().outcomes = {unavailable(120s)};
  CHECK(daemon.run({at(200s, Request::stop)}) == pulse::ExitCode::ok);

  const auto& attempts = daemon.channel().attempts;
  REQUIRE(daemon.channel().events() ==
          std::vector<std::string>{"ONLINE", "ONLINE", "HEARTBEAT", "HEARTBEAT", "HEARTBEAT",
                                   "OFFLINE"});
  // 120 s and half of the extra of up to 60 s. The heartbeats due at 30 s
  // and 95 s waited in the spool instead of asking the server before the
  // retry, which delivered them in order; the next one is due 65 s after
  // the last.
  CHECK(attempts[1].at == 150s);
  CHECK(attempts[2].at == 150s);
  CHECK(attempts[3].at == 150s);
  CHECK(attempts[4].at == 160s);
  CHECK(attempts[5].at == 200s);
}

TEST_CASE("daemon: a resume after a suspend sends ONLINE again", "[daemon]") {
  DaemonUnderTest daemon;
  CHECK(daemon.run({suspended_at(10s, 2h), at(2h + 20s, Request::stop)}) ==
        pulse::ExitCode::ok);

  const auto& attempts = daemon.channel().attempts;
  REQUIRE(daemon.channel().events() == std::vector<std::string>{"ONLINE", "ONLINE", "OFFLINE"});
  CHECK(attempts[1].at == 2h + 10s);
}

TEST_CASE("daemon: SIGUSR1 sends a heartbeat at once", "[daemon]") {
  DaemonUnderTest daemon;
  CHECK(daemon.run({at(5s, Request::heartbeat), at(10s, Request::stop)}) == pulse::ExitCode::ok);

  const auto& attempts = daemon.channel().attempts;
  REQUIRE(daemon.channel().events() ==
          std::vector<std::string>{"ONLINE", "HEARTBEAT", "OFFLINE"});
  CHECK(attempts[1].at == 5s);
}

TEST_CASE("daemon: SIGHUP with a bad config keeps the old one, a good one takes over",
          "[daemon]") {
  DaemonUnderTest daemon;
  const std::string first = daemon.server_url;
  const std::string second = "http://127.0.0.1:10";
  CHECK(daemon.run({at(5s, Request::reload, [&daemon] { daemon.server_url = "ftp://nowhere"; }),
                    at(10s, Request::heartbeat),
                    at(20s, Request::reload, [&daemon, second] { daemon.server_url = second; }),
                    at(25s, Request::heartbeat), at(30s, Request::stop)}) ==
        pulse::ExitCode::ok);

  const auto& attempts = daemon.channel().attempts;
  REQUIRE(daemon.channel().events() ==
          std::vector<std::string>{"ONLINE", "HEARTBEAT", "HEARTBEAT", "OFFLINE"});
  CHECK(attempts[0].destination == first);
  CHECK(attempts[1].destination == first);
  CHECK(attempts[2].destination == second);
  CHECK(attempts[3].destination == second);
}

TEST_CASE("daemon: the OFFLINE gets no more than the shutdown budget", "[daemon]") {
  DaemonUnderTest daemon;
  CHECK(daemon.run({at(1s, Request::stop)}) == pulse::ExitCode::ok);

  const auto& attempts = daemon.channel().attempts;
  REQUIRE(daemon.channel().events() == std::vector<std::string>{"ONLINE", "OFFLINE"});
  CHECK(attempts[0].limit.name == "10s (server.timeout)");
  CHECK(attempts[1].limit.name == "the 3s shutdown budget (heartbeat.shutdown_timeout)");
  CHECK(attempts[1].limit.timeout <= 3s);
}
