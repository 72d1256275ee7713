#include "delivery.h"

#include <unistd.h>

#include <catch2/catch.hpp>

#include <deque>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "files.h"
#include "temp_dir.h"

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using pulse::OutcomeKind;

namespace {

using pulse::test::TempDir;

// Answers each delivery with the next scripted outcome (delivered once the
// script runs out) and records the events it was given.
class ScriptedChannel : public pulse::PresenceChannel {
 public:
  explicit ScriptedChannel(std::deque<OutcomeKind> script = {}) : script_(std::move(script)) {}

  pulse::Outcome deliver(const pulse::StoredEvent& event) override {
    attempts.push_back(event);
    pulse::Outcome outcome;
    outcome.kind = OutcomeKind::delivered;
    if (!script_.empty()) {
      outcome.kind = script_.front();
      script_.pop_front();
    }
    outcome.message = std::string("scripted ") + std::string(pulse::outcome_name(outcome.kind));
    return outcome;
  }
  std::string dry_run(const pulse::StoredEvent&) override { return ""; }
  std::string destination() const override { return "scripted"; }

  std::vector<std::string> attempted_ids() const {
    std::vector<std::string> ids;
    for (const auto& event : attempts) ids.push_back(event.id);
    return ids;
  }

  std::vector<pulse::StoredEvent> attempts;

 private:
  std::deque<OutcomeKind> script_;
};

pulse::StoredEvent event(int second, const std::string& id) {
  const std::string timestamp = "2026-11-28T10:52:" + std::to_string(10 + second) + ".000Z";
  return {id, timestamp,
          R"({"event":"HEARTBEAT","identity":{},"metadata":{},"timestamp":")" + timestamp + R"("})"};
}

std::vector<std::string> spooled_ids(const pulse::Spool& spool) {
  std::vector<std::string> ids;
  for (const auto& file : spool.pending()) {
    auto read = spool.read(file);
    REQUIRE(read);
    ids.push_back(read->id);
  }
  return ids;
}

using Ids = std::vector<std::string>;

}  // namespace

TEST_CASE("delivery: the spool goes first, oldest first, then the new event", "[delivery]") {
  TempDir dir{"pulse-delivery-test"};
  pulse::Spool spool(dir / "spool", 1000);
  spool.add(event(2, "b"));
  spool.add(event(1, "a"));
  ScriptedChannel channel;
  const pulse::Outcome outcome = pulse::deliver_in_order(channel, &spool, event(3, "c"));
  CHECK(outcome.kind == OutcomeKind::delivered);
  CHECK(channel.attempted_ids() == Ids{"a", "b", "c"});
  // Spooled events travel with their original time and payload.
  CHECK(channel.attempts[0].timestamp == event(1, "a").timestamp);
  CHECK(channel.attempts[0].payload == event(1, "a").payload);
  CHECK(spool.pending().empty());
}

TEST_CASE("delivery: an unavailable new event is spooled", "[delivery]") {
  TempDir dir{"pulse-delivery-test"};
  pulse::Spool spool(dir / "spool", 1000);
  ScriptedChannel channel({OutcomeKind::unavailable});
  const pulse::Outcome outcome = pulse::deliver_in_order(channel, &spool, event(1, "a"));
  CHECK(outcome.kind == OutcomeKind::unavailable);
  CHECK_THAT(outcome.message, Contains("event spooled for later delivery"));
  CHECK(spooled_ids(spool) == Ids{"a"});
  CHECK(pulse::read_file_if_exists(spool.pending().front()) == event(1, "a").payload);
}

TEST_CASE("delivery: a blocked spool stops delivery and keeps the order", "[delivery]") {
  TempDir dir{"pulse-delivery-test"};
  pulse::Spool spool(dir / "spool", 1000);
  spool.add(event(1, "a"));
  spool.add(event(2, "b"));
  ScriptedChannel channel({OutcomeKind::delivered, OutcomeKind::unavailable});
  const pulse::Outcome outcome = pulse::deliver_in_order(channel, &spool, event(3, "c"));
  CHECK(outcome.kind == OutcomeKind::unavailable);
  // "c" was never tried: it must not overtake "b".
  CHECK(channel.attempted_ids() == Ids{"a", "b"});
  // The message names the event whose delivery failed, not only "c".
  CHECK_THAT(outcome.message, Contains("not sent, behind spooled HEARTBEAT event " +
                                       pulse::spool_file_name(event(2, "b")) +
                                       ": scripted unavailable"));
  CHECK(spooled_ids(spool) == Ids{"b", "c"});
}

TEST_CASE("delivery: refused or protocol answers set a spooled event aside, the rest go on",
          "[delivery]") {
  TempDir dir{"pulse-delivery-test"};
  pulse::Spool spool(dir / "spool", 1000);
  spool.add(event(1, "a"));
  spool.add(event(2, "b"));
  spool.add(event(3, "c"));
  ScriptedChannel channel({OutcomeKind::refused, OutcomeKind::delivered, OutcomeKind::protocol});
  const pulse::Outcome outcome = pulse::deliver_in_order(channel, &spool, event(4, "d"));
  CHECK(outcome.kind == OutcomeKind::delivered);
  CHECK(channel.attempted_ids() == Ids{"a", "b", "c", "d"});
  CHECK(spool.pending().empty());
  // Kept for a person, with the payload as it was, and never tried again.
  const fs::path rejected_a = dir / "spool" / (pulse::spool_file_name(event(1, "a")) + ".rejected");
  const fs::path rejected_c = dir / "spool" / (pulse::spool_file_name(event(3, "c")) + ".rejected");
  CHECK(pulse::read_file_if_exists(rejected_a) == event(1, "a").payload);
  CHECK(pulse::read_file_if_exists(rejected_c) == event(3, "c").payload);
  CHECK_FALSE(pulse::deliver_spool(channel, spool));
  CHECK(channel.attempts.size() == 4);
}

TEST_CASE("delivery: a skewed clock keeps the event and says so", "[delivery]") {
  TempDir dir{"pulse-delivery-test"};
  pulse::Spool spool(dir / "spool", 1000);
  ScriptedChannel channel({OutcomeKind::unavailable});
  pulse::Outcome outcome = channel.deliver(event(1, "a"));
  outcome.clock_skew = std::chrono::seconds(3612);
  pulse::spool_event(spool, event(1, "a"), outcome);
  CHECK_THAT(outcome.message, Contains("the event is kept and sent once the clock is set"));
  CHECK(spooled_ids(spool) == Ids{"a"});
}

TEST_CASE("delivery: a refused new event is not spooled", "[delivery]") {
  TempDir dir{"pulse-delivery-test"};
  pulse::Spool spool(dir / "spool", 1000);
  for (OutcomeKind kind : {OutcomeKind::refused, OutcomeKind::protocol}) {
    ScriptedChannel channel({kind});
    CHECK(pulse::deliver_in_order(channel, &spool, event(1, "a")).kind == kind);
    CHECK(spool.pending().empty());
  }
}

TEST_CASE("delivery: corrupt spool files are skipped, not retried", "[delivery]") {
  TempDir dir{"pulse-delivery-test"};
  pulse::Spool spool(dir / "spool", 1000);
  spool.add(event(1, "a"));
  spool.add(event(2, "b"));
  {
    std::ofstream out(spool.pending().front(), std::ios::trunc);
    out << "garbage";
  }
  ScriptedChannel channel;
  CHECK(pulse::deliver_in_order(channel, &spool, event(3, "c")).kind == OutcomeKind::delivered);
  CHECK(channel.attempted_ids() == Ids{"b", "c"});
  CHECK(fs::exists(dir / "spool" / "2026-11-28T10:52:11.000Z-a.json.corrupt"));
  ScriptedChannel again;
  pulse::deliver_in_order(again, &spool, event(4, "d"));
  CHECK(again.attempted_ids() == Ids{"d"});
}

TEST_CASE("delivery: deliver_spool reports the blocking outcome", "[delivery]") {
  TempDir dir{"pulse-delivery-test"};
  pulse::Spool spool(dir / "spool", 1000);
  ScriptedChannel idle;
  CHECK_FALSE(pulse::deliver_spool(idle, spool));
  CHECK(idle.attempts.empty());
  spool.add(event(1, "a"));
  ScriptedChannel down({OutcomeKind::unavailable});
  const auto blocked = pulse::deliver_spool(down, spool);
  REQUIRE(blocked);
  CHECK(blocked->kind == OutcomeKind::unavailable);
  CHECK(spooled_ids(spool) == Ids{"a"});
}

TEST_CASE("delivery: without a spool only the event is sent and nothing is written",
          "[delivery]") {
  TempDir dir{"pulse-delivery-test"};
  pulse::Spool spool(dir / "spool", 1000);
  spool.add(event(1, "a"));
  ScriptedChannel channel({OutcomeKind::unavailable});
  const pulse::Outcome outcome = pulse::deliver_in_order(channel, nullptr, event(2, "b"));
  CHECK(outcome.kind == OutcomeKind::unavailable);
  CHECK_THAT(outcome.message, !Contains("spooled"));
  CHECK(channel.attempted_ids() == Ids{"b"});
  CHECK(spooled_ids(spool) == Ids{"a"});
}

TEST_CASE("delivery: an event that cannot be spooled says it is lost", "[delivery]") {
  TempDir dir{"pulse-delivery-test"};
  {
    std::ofstream out(dir / "spool");
    out << "a file where the directory should be";
  }
  pulse::Spool spool(dir / "spool", 1000);
  ScriptedChannel channel({OutcomeKind::unavailable});
  const pulse::Outcome outcome = pulse::deliver_in_order(channel, &spool, event(1, "a"));
  CHECK(outcome.kind == OutcomeKind::unavailable);
  CHECK_THAT(outcome.message, Contains("the event is lost: cannot spool it"));
}
