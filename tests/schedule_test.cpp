#include "schedule.h"

#include <catch2/catch.hpp>
#include <set>
#include <vector>

#include "outcome.h"

using namespace std::chrono_literals;
using pulse::Backoff;
using pulse::Duration;
using pulse::heartbeat_delay;
using pulse::HeartbeatAfter;
using pulse::next_heartbeat_at;
using pulse::next_wake_up;
using pulse::retry_delay;
using pulse::RandomSource;
using pulse::SuspendDetector;

namespace {

// A random source that records each bound it is asked for and answers with
// a chosen point of the range: 0 = the lowest, 1 = the highest.
struct ScriptedRandom {
  double point = 1.0;
  std::vector<std::uint64_t> bounds;

  RandomSource source() {
    return [this](std::uint64_t bound) {
      bounds.push_back(bound);
      return static_cast<std::uint64_t>(static_cast<double>(bound) * point);
    };
  }
};

// Two clocks the test moves by hand: running time advances both, a suspend
// only the boot-time one.
class FakeClocks : public pulse::Clocks {
 public:
  Duration boottime() const override { return boottime_; }
  Duration monotonic() const override { return monotonic_; }
  Duration realtime() const override { return boottime_ + 1'795'000'000s; }

  void run(Duration elapsed) {
    boottime_ += elapsed;
    monotonic_ += elapsed;
  }
  void suspend(Duration slept) { boottime_ += slept; }

 private:
  Duration boottime_ = 1000s;
  Duration monotonic_ = 990s;  // the machine was suspended before we started
};

std::vector<Duration> draws(Backoff& backoff, int count) {
  std::vector<Duration> delays;
  for (int i = 0; i < count; ++i) delays.push_back(backoff.next());
  return delays;
}

}  // namespace

TEST_CASE("schedule: a heartbeat waits the interval plus a jitter drawn from [0, jitter]") {
  ScriptedRandom random;

  random.point = 0.0;
  CHECK(heartbeat_delay(60min, 5min, random.source()) == 60min);
  random.point = 1.0;
  CHECK(heartbeat_delay(60min, 5min, random.source()) == 65min);
  random.point = 0.5;
  CHECK(heartbeat_delay(1s, 1s, random.source()) == 1500ms);

  // The draw is in milliseconds over the whole jitter, not in whole units.
  CHECK(random.bounds == std::vector<std::uint64_t>{300'000, 300'000, 1'000});
}

TEST_CASE("schedule: no jitter means exactly the interval") {
  ScriptedRandom random;
  CHECK(heartbeat_delay(90s, 0s, random.source()) == 90s);
  CHECK(heartbeat_delay(90s, -5s, random.source()) == 90s);
}

TEST_CASE("schedule: heartbeat jitter from the system source stays in range") {
  const RandomSource random = pulse::system_random();
  for (int i = 0; i < 200; ++i) {
    const Duration delay = heartbeat_delay(10s, 2s, random);
    REQUIRE(delay >= 10s);
    REQUIRE(delay <= 12s);
  }
}

TEST_CASE("schedule: backoff ceilings double from 1 s to the 5 min cap") {
  ScriptedRandom random;
  Backoff backoff(1s, 5min, random.source());

  const std::vector<Duration> expected{1s,   2s,   4s,   8s,   16s,  32s,
                                       64s,  128s, 256s, 300s, 300s, 300s};
  CHECK(draws(backoff, 12) == expected);
  CHECK(backoff.attempts() == 12);
}

TEST_CASE("schedule: backoff has full jitter: each delay is drawn from [0, ceiling]") {
  ScriptedRandom random;
  random.point = 0.0;
  Backoff backoff(1s, 5min, random.source());

  CHECK(draws(backoff, 4) == std::vector<Duration>{0s, 0s, 0s, 0s});
  CHECK(random.bounds == std::vector<std::uint64_t>{1'000, 2'000, 4'000, 8'000});

  const RandomSource system = pulse::system_random();
  Backoff real(1s, 5min, system);
  Duration ceiling = 1s;
  for (int i = 0; i < 30; ++i) {
    const Duration delay = real.next();
    REQUIRE(delay >= 0s);
    REQUIRE(delay <= ceiling);
    ceiling = std::min<Duration>(ceiling * 2, 5min);
  }
}

TEST_CASE("schedule: backoff starts again from 1 s after a reset") {
  ScriptedRandom random;
  Backoff backoff(1s, 5min, random.source());
  draws(backoff, 20);

  backoff.reset();
  CHECK(backoff.attempts() == 0);
  CHECK(draws(backoff, 3) == std::vector<Duration>{1s, 2s, 4s});
}

TEST_CASE("schedule: a cap below the first delay is the ceiling from the start") {
  ScriptedRandom random;
  Backoff backoff(10s, 3s, random.source());
  CHECK(draws(backoff, 3) == std::vector<Duration>{3s, 3s, 3s});
}

TEST_CASE("schedule: a retry waits for a longer Retry-After, capped at an hour") {
  ScriptedRandom random;
  random.point = 0.0;  // the earliest the server allows
  CHECK(pulse::kMaxRetryAfter == 1h);
  CHECK(retry_delay(3s, std::nullopt, random.source()) == 3s);
  CHECK(retry_delay(3s, 1s, random.source()) == 3s);
  CHECK(retry_delay(3s, 120s, random.source()) == 120s);
  CHECK(retry_delay(3s, 3600s, random.source()) == 1h);
  CHECK(retry_delay(3s, 3601s, random.source()) == 1h);
  CHECK(retry_delay(3s, std::chrono::seconds(315'360'000), random.source()) == 1h);  // ten years
}

TEST_CASE("schedule: a Retry-After is obeyed with up to half of it again as jitter") {
  ScriptedRandom random;
  random.point = 1.0;
  CHECK(retry_delay(3s, 30s, random.source()) == 45s);
  CHECK(retry_delay(3s, std::chrono::seconds(315'360'000), random.source()) == 90min);
  random.point = 0.5;
  CHECK(retry_delay(3s, 30s, random.source()) == 37500ms);
  // The draw is in milliseconds over half the (capped) Retry-After.
  CHECK(random.bounds == std::vector<std::uint64_t>{15'000, 1'800'000, 15'000});

  // A fleet refused in the same second comes back spread over 15 s, not in
  // the same second 30 s later.
  const RandomSource system = pulse::system_random();
  std::set<Duration::rep> seconds_back;
  for (int i = 0; i < 200; ++i) {
    const Duration delay = retry_delay(1s, 30s, system);
    REQUIRE(delay >= 30s);
    REQUIRE(delay <= 45s);
    seconds_back.insert(std::chrono::duration_cast<std::chrono::seconds>(delay).count());
  }
  CHECK(seconds_back.size() >= 10);
}

TEST_CASE("schedule: a Retry-After date is capped like delay-seconds") {
  ScriptedRandom random;
  random.point = 0.0;
  // The injected wall clock: when the answer came.
  const auto now = pulse::Clock::from_time_t(1795863149);  // 2026-11-28T10:52:29Z
  auto after = [&](std::string_view date) {
    return retry_delay(1s, pulse::parse_retry_after(date, now), random.source());
  };
  CHECK(after("Sat, 28 Nov 2026 10:53:59 GMT") == 90s);
  CHECK(after("Fri, 28 Nov 2036 10:52:29 GMT") == 1h);
  CHECK(after("Fri, 31 Dec 9999 23:59:59 GMT") == 1h);
}

TEST_CASE("schedule: the first heartbeat after ONLINE comes at a random point within one interval") {
  ScriptedRandom random;
  const Duration now = 5000s;
  random.point = 0.0;
  CHECK(next_heartbeat_at(HeartbeatAfter::online, 0s, now, 60min, 5min, random.source()) == now);
  random.point = 0.25;
  CHECK(next_heartbeat_at(HeartbeatAfter::online, 0s, now, 60min, 5min, random.source()) ==
        now + 15min);
  random.point = 1.0;
  CHECK(next_heartbeat_at(HeartbeatAfter::online, 0s, now, 60min, 5min, random.source()) ==
        now + 60min);
  CHECK(random.bounds == std::vector<std::uint64_t>{3'600'000, 3'600'000, 3'600'000});

  // A fleet that boots within the same minute spreads over the whole hour.
  const RandomSource system = pulse::system_random();
  std::set<Duration::rep> minutes;
  for (int i = 0; i < 2000; ++i) {
    const Duration at = next_heartbeat_at(HeartbeatAfter::online, 0s, now, 60min, 5min, system);
    REQUIRE(at >= now);
    REQUIRE(at <= now + 60min);
    minutes.insert(std::chrono::duration_cast<std::chrono::minutes>(at - now).count());
  }
  CHECK(minutes.size() >= 55);
}

TEST_CASE("schedule: after a heartbeat the next one waits the interval plus jitter") {
  ScriptedRandom random;
  random.point = 0.5;
  CHECK(next_heartbeat_at(HeartbeatAfter::heartbeat, 0s, 5000s, 60min, 5min, random.source()) ==
        5000s + 62min + 30s);
}

TEST_CASE("schedule: a reload schedules from the last heartbeat with the new interval") {
  ScriptedRandom random;
  random.point = 0.0;
  // Not yet due with the new interval: from the last heartbeat.
  CHECK(next_heartbeat_at(HeartbeatAfter::reload, 1000s, 1100s, 10min, 0s, random.source()) ==
        1600s);
  // Due just now counts as not past.
  CHECK(next_heartbeat_at(HeartbeatAfter::reload, 1000s, 1600s, 10min, 0s, random.source()) ==
        1600s);
}

TEST_CASE("schedule: a reload that makes the heartbeat overdue spreads it over one new interval") {
  ScriptedRandom random;
  const Duration last = 0s;
  const Duration now = 50min;
  random.point = 0.0;
  CHECK(next_heartbeat_at(HeartbeatAfter::reload, last, now, 15min, 5min, random.source()) == now);
  random.point = 1.0;
  // The jitter draw past due, then a point within the new interval from now.
  CHECK(next_heartbeat_at(HeartbeatAfter::reload, last, now, 15min, 5min, random.source()) ==
        now + 15min);
  CHECK(random.bounds == std::vector<std::uint64_t>{300'000, 900'000, 300'000, 900'000});

  // The whole fleet told at the same second: no two-thirds of it at once.
  const RandomSource system = pulse::system_random();
  std::set<Duration::rep> seconds;
  for (int i = 0; i < 500; ++i) {
    const Duration at = next_heartbeat_at(HeartbeatAfter::reload, last, now, 15min, 5min, system);
    REQUIRE(at >= now);
    REQUIRE(at <= now + 15min);
    seconds.insert(std::chrono::duration_cast<std::chrono::seconds>(at).count());
  }
  CHECK(seconds.size() >= 300);
}

TEST_CASE("schedule: the next wake-up is the heartbeat or an earlier retry") {
  CHECK(next_wake_up(600s, std::nullopt) == 600s);
  CHECK(next_wake_up(600s, 30s) == 30s);
  CHECK(next_wake_up(600s, 601s) == 600s);
  CHECK(next_wake_up(600s, 600s) == 600s);
}

TEST_CASE("schedule: a heartbeat due before a pending retry waits for it") {
  using std::chrono::seconds;
  CHECK_FALSE(pulse::heartbeat_waits_for_retry(Duration(seconds(10)), std::nullopt));
  CHECK(pulse::heartbeat_waits_for_retry(Duration(seconds(10)), Duration(seconds(11))));
  CHECK_FALSE(pulse::heartbeat_waits_for_retry(Duration(seconds(11)), Duration(seconds(11))));
  CHECK_FALSE(pulse::heartbeat_waits_for_retry(Duration(seconds(12)), Duration(seconds(11))));
}

TEST_CASE("schedule: a suspend is noticed once, when the boot-time clock ran ahead") {
  FakeClocks clocks;
  SuspendDetector detector(clocks);

  // Suspended before the detector existed: not a resume of ours.
  CHECK_FALSE(detector.resumed_since_last_check());

  clocks.run(1h);
  CHECK_FALSE(detector.resumed_since_last_check());

  clocks.suspend(10min);
  clocks.run(50ms);
  CHECK(detector.resumed_since_last_check());
  CHECK_FALSE(detector.resumed_since_last_check());

  clocks.run(5min);
  CHECK_FALSE(detector.resumed_since_last_check());

  clocks.suspend(3s);
  CHECK(detector.resumed_since_last_check());
}

TEST_CASE("schedule: clock drift shorter than the threshold is not a suspend") {
  FakeClocks clocks;
  SuspendDetector detector(clocks);

  clocks.suspend(1999ms);
  CHECK_FALSE(detector.resumed_since_last_check());
  // Each look starts afresh: small gaps do not add up to a suspend.
  clocks.suspend(1999ms);
  CHECK_FALSE(detector.resumed_since_last_check());

  clocks.suspend(2s);
  CHECK(detector.resumed_since_last_check());

  clocks.suspend(500ms);
  CHECK(detector.resumed_since_last_check(500ms));
  clocks.suspend(499ms);
  CHECK_FALSE(detector.resumed_since_last_check(500ms));
}

TEST_CASE("schedule: several suspends between looks are one resume") {
  FakeClocks clocks;
  SuspendDetector detector(clocks);

  clocks.suspend(1min);
  clocks.run(10s);
  clocks.suspend(2min);
  CHECK(detector.resumed_since_last_check());
  CHECK_FALSE(detector.resumed_since_last_check());
}

TEST_CASE("schedule: the system clocks never show the monotonic clock ahead of boot time") {
  const pulse::Clocks& clocks = pulse::system_clocks();
  const Duration monotonic = clocks.monotonic();
  const Duration boottime = clocks.boottime();
  CHECK(boottime >= monotonic);
  CHECK(monotonic > 0s);

  SuspendDetector detector(clocks);
  CHECK_FALSE(detector.resumed_since_last_check());
}
