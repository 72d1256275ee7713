#include "clock_step.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "files.h"
#include "temp_dir.h"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using pulse::Duration;

namespace {

using pulse::test::TempDir;

// A machine that booted with its wall clock at 2025-01-01T00:00:00Z, an
// hour and a bit behind the truth, until the test sets it.
class FakeClocks : public pulse::Clocks {
 public:
  Duration boottime() const override { return boottime_; }
  Duration monotonic() const override { return boottime_; }
  Duration realtime() const override { return boottime_ + wall_offset_; }

  void run(Duration elapsed) { boottime_ += elapsed; }
  void set_wall_clock(Duration step) { wall_offset_ += step; }

 private:
  Duration boottime_ = 20s;
  Duration wall_offset_ = 1'735'689'600s - 20s;
};

pulse::StoredEvent make_event(const pulse::ClockReading& made, const std::string& id,
                              const std::string& kind = "HEARTBEAT") {
  const std::string timestamp = pulse::format_timestamp(made.wall);
  return {id, timestamp,
          R"({"event":")" + kind +
              R"(","identity":{"hostname":"node"},"metadata":{"uptime":42},"timestamp":")" +
              timestamp + R"("})"};
}

std::vector<std::string> pending_names(const pulse::Spool& spool) {
  std::vector<std::string> names;
  for (const auto& file : spool.pending()) names.push_back(file.filename().string());
  return names;
}

// A state directory's spool and the daemon's clocks.
struct Machine {
  TempDir dir{"pulse-clock-step-test"};
  pulse::Spool spool{dir / "spool", 1000};
  FakeClocks clocks;
  pulse::ClockStepFollower follower{clocks};
};

// Spools an event made now and remembers it, as the daemon does.
pulse::StoredEvent spool_now(pulse::ClockStepFollower& follower, pulse::Spool& spool,
                             const std::string& id) {
  const pulse::ClockReading made = follower.now();
  const pulse::StoredEvent event = make_event(made, id);
  spool.add(event);
  follower.remember(event, made, spool);
  return event;
}

}  // namespace

TEST_CASE("clock step: events spooled before the clock was set carry the real time after",
          "[clock_step]") {
  Machine machine;
  auto& [dir, spool, clocks, follower] = machine;

  spool_now(follower, spool, "a");  // 2025-01-01T00:00:00.000Z, boot + 20 s
  clocks.run(1500ms);
  spool_now(follower, spool, "b");  // 00:00:01.500
  clocks.run(30s);
  clocks.set_wall_clock(3612s);     // NTP: the clock was an hour behind
  clocks.run(2s);

  CHECK(follower.follow(spool) == 2);
  CHECK(pending_names(spool) == std::vector<std::string>{"2025-01-01T01:00:12.000Z-a.json",
                                                         "2025-01-01T01:00:13.500Z-b.json"});
  // Same id, same payload but for its timestamp, which the name agrees with.
  const auto file = spool.pending().front();
  const auto read = spool.read(file);
  REQUIRE(read);
  CHECK(read->id == "a");
  CHECK(read->timestamp == "2025-01-01T01:00:12.000Z");
  CHECK(read->payload ==
        R"({"event":"HEARTBEAT","identity":{"hostname":"node"},"metadata":{"uptime":42},)"
        R"("timestamp":"2025-01-01T01:00:12.000Z"})");
  // No temp files left behind, no old names.
  CHECK(std::distance(fs::directory_iterator(dir / "spool"), fs::directory_iterator{}) == 2);

  SECTION("a second look without another step moves nothing") {
    clocks.run(10s);
    CHECK(follower.follow(spool) == 0);
    CHECK(pending_names(spool).front() == "2025-01-01T01:00:12.000Z-a.json");
  }
  SECTION("a later step moves them again, from where they are now") {
    clocks.set_wall_clock(-12s);
    CHECK(follower.follow(spool) == 2);
    CHECK(pending_names(spool) == std::vector<std::string>{"2025-01-01T01:00:00.000Z-a.json",
                                                           "2025-01-01T01:00:01.500Z-b.json"});
  }
}

TEST_CASE("clock step: events made after the step, and other processes' events, stay as they are",
          "[clock_step]") {
  Machine machine;
  auto& [dir, spool, clocks, follower] = machine;

  const pulse::StoredEvent elsewhere = make_event(follower.now(), "sent-by-send");
  spool.add(elsewhere);  // spooled by a `send`, never remembered here
  clocks.run(1s);
  spool_now(follower, spool, "before");
  clocks.set_wall_clock(3600s);
  clocks.run(1s);
  const pulse::StoredEvent after = spool_now(follower, spool, "after");

  CHECK(follower.follow(spool) == 1);
  CHECK(pending_names(spool) ==
        std::vector<std::string>{"2025-01-01T00:00:00.000Z-sent-by-send.json",
                                 "2025-01-01T01:00:01.000Z-before.json",
                                 pulse::spool_file_name(after)});
  CHECK(pulse::spool_file_name(after) == "2025-01-01T01:00:02.000Z-after.json");
}

TEST_CASE("clock step: a small adjustment or a suspend moves nothing", "[clock_step]") {
  Machine machine;
  auto& [dir, spool, clocks, follower] = machine;
  const pulse::StoredEvent event = spool_now(follower, spool, "a");
  clocks.set_wall_clock(400ms);
  clocks.run(8h);  // a suspend: boot time and wall clock move together
  CHECK(follower.follow(spool) == 0);
  CHECK(pending_names(spool) == std::vector<std::string>{pulse::spool_file_name(event)});
}

TEST_CASE("clock step: delivered or rejected events are forgotten, not written back",
          "[clock_step]") {
  Machine machine;
  auto& [dir, spool, clocks, follower] = machine;
  spool_now(follower, spool, "delivered");
  spool_now(follower, spool, "rejected");
  spool_now(follower, spool, "waiting");
  const auto files = spool.pending();
  spool.remove(files[0]);
  spool.reject(files[1], "server answered 400");
  clocks.set_wall_clock(60s);
  CHECK(follower.follow(spool) == 1);
  CHECK(pending_names(spool) == std::vector<std::string>{"2025-01-01T00:01:00.000Z-waiting.json"});
  CHECK(fs::exists(files[1].string() + ".rejected"));
  CHECK_FALSE(fs::exists(files[0]));
}

TEST_CASE("clock step: an event moved earlier than older ones sorts by its real time",
          "[clock_step]") {
  // The clock ran ahead: our events were stamped in the future, past those a
  // previous boot spooled; set right, they sort where they happened.
  TempDir dir{"pulse-clock-step-test"};
  pulse::Spool spool(dir / "spool", 1000);
  FakeClocks clocks;
  clocks.set_wall_clock(24h);
  pulse::ClockStepFollower follower(clocks);
  const pulse::StoredEvent previous_boot =
      make_event({pulse::Clock::time_point(1'735'689'600s + 10min), 0s}, "previous-boot");
  spool.add(previous_boot);
  spool_now(follower, spool, "ours");
  clocks.set_wall_clock(-24h);
  CHECK(follower.follow(spool) == 1);
  CHECK(pending_names(spool) ==
        std::vector<std::string>{"2025-01-01T00:00:00.000Z-ours.json",
                                 pulse::spool_file_name(previous_boot)});
}
