#include "agent.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "failure.h"
#include "temp_dir.h"

using Catch::Matchers::Contains;

namespace {

// Delivers everything and remembers the ids, in order.
class RecordingChannel : public pulse::PresenceChannel {
 public:
  explicit RecordingChannel(std::vector<std::string>& delivered) : delivered_(delivered) {}

  pulse::Outcome deliver(const pulse::StoredEvent& event) override {
    delivered_.push_back(event.id);
    pulse::Outcome outcome;
    outcome.kind = pulse::OutcomeKind::delivered;
    outcome.status = 200;
    return outcome;
  }
  std::string dry_run(const pulse::StoredEvent&) override { return ""; }
  std::string destination() const override { return "recorded"; }

 private:
  std::vector<std::string>& delivered_;
};

pulse::StoredEvent event(const std::string& id, const std::string& timestamp) {
  return {id, timestamp, R"({"event":"HEARTBEAT","timestamp":")" + timestamp + R"("})"};
}

struct AgentFixture {
  pulse::test::TempDir dir{"pulse-agent"};
  std::vector<std::string> delivered;

  pulse::Settings settings(const std::string& url = "http://127.0.0.1:9") const {
    pulse::Settings settings;
    settings.server_url = url;
    settings.read_server_url();
    settings.key_file = dir.path() / "id_ed25519";
    settings.state_dir = dir.path() / "state";
    return settings;
  }

  pulse::Agent agent() {
    return pulse::Agent(settings(), pulse::KeyUse::load_or_create([] { return "agent-test"; }), {},
                        [this](const pulse::ServerUrl&, const pulse::TransportContext&,
                               const pulse::Identity&, const std::filesystem::path&) {
                          return std::make_unique<RecordingChannel>(delivered);
                        });
  }
};

}  // namespace

TEST_CASE("agent: a bad server url is a configuration error before anything is made", "[agent]") {
  AgentFixture fixture;
  try {
    pulse::Agent agent(fixture.settings("ftp://nowhere"), pulse::KeyUse::load());
    FAIL("an agent was made");
  } catch (const pulse::Failure& failure) {
    CHECK(failure.code() == pulse::ExitCode::configuration);
    CHECK_THAT(failure.what(), Contains("scheme 'ftp' is not supported"));
  }
  CHECK_FALSE(std::filesystem::exists(fixture.dir.path() / "id_ed25519"));
}

TEST_CASE("agent: a send delivers the spool first, oldest first, then its event", "[agent]") {
  AgentFixture fixture;
  pulse::Agent agent = fixture.agent();
  agent.spool().add(event("second", "2026-11-28T10:00:02.000Z"));
  agent.spool().add(event("first", "2026-11-28T10:00:01.000Z"));

  const pulse::Outcome outcome = agent.deliver_waiting(event("now", "2026-11-28T10:00:03.000Z"));
  CHECK(outcome.kind == pulse::OutcomeKind::delivered);
  CHECK(fixture.delivered == std::vector<std::string>{"first", "second", "now"});
  CHECK(agent.spool().pending().empty());
}

TEST_CASE("agent: while a send holds the spool lock the daemon spools and looks again in 1 s",
          "[agent]") {
  AgentFixture fixture;
  pulse::Agent agent = fixture.agent();
  const pulse::FileLock held_by_send(fixture.settings().state_dir / "spool.lock", true);
  REQUIRE(held_by_send.held());

  bool ran_under_lock = false;
  const pulse::Outcome outcome = agent.deliver_unless_busy(
      event("now", "2026-11-28T10:00:03.000Z"), [&](pulse::Spool&) { ran_under_lock = true; });
  CHECK(outcome.kind == pulse::OutcomeKind::unavailable);
  CHECK_THAT(outcome.message, Contains("the spool is being delivered by another process"));
  CHECK(outcome.retry_after == pulse::kSpoolLockBusyRetry);
  CHECK_FALSE(ran_under_lock);
  CHECK(fixture.delivered.empty());
  CHECK(agent.spool().pending().size() == 1);
  CHECK(agent.retry_spool().lock_busy);
}

TEST_CASE("agent: once the lock is free the daemon's retry delivers the spool", "[agent]") {
  AgentFixture fixture;
  pulse::Agent agent = fixture.agent();
  agent.spool().add(event("spooled", "2026-11-28T10:00:01.000Z"));

  bool ran_under_lock = false;
  const pulse::SpoolRetry retry = agent.retry_spool([&](pulse::Spool&) { ran_under_lock = true; });
  CHECK_FALSE(retry.lock_busy);
  CHECK_FALSE(retry.blocked);
  CHECK(ran_under_lock);
  CHECK(fixture.delivered == std::vector<std::string>{"spooled"});
}
