// The loop this build waits through (PULSE_EVENT_LOOP): the Linux one in the
// default build, the portable POSIX one in CI's build-posix, by the same
// tests, with real signals to this process.
#include "event_loop.h"

#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

using namespace std::chrono_literals;
using pulse::Duration;
using pulse::EventLoop;
using pulse::Request;
using pulse::Wakeup;

namespace {

std::unique_ptr<EventLoop> open_loop() { return pulse::open_system_event_loop(); }

Duration now(const EventLoop& loop) { return loop.clocks().boottime(); }

bool wake_source_readable(const EventLoop& loop) {
  std::vector<pollfd> fds;
  for (pulse::Waitable fd : loop.wake_sources()) fds.push_back({static_cast<int>(fd), POLLIN, 0});
  return ::poll(fds.data(), fds.size(), 0) > 0;
}

// A signal to the whole process, not this thread, after `delay`: as `kill`
// and service managers send them, while the loop sleeps.
std::jthread send_later(int signal, Duration delay) {
  return std::jthread([signal, delay] {
    std::this_thread::sleep_for(delay);
    ::kill(::getpid(), signal);
  });
}

}  // namespace

TEST_CASE("event loop: signals are taken without sleeping, by request and name", "[event_loop]") {
  auto loop = open_loop();
  // In signal number order: a kernel hands pending signals over in that order.
  for (int signal : {SIGHUP, SIGINT, SIGUSR1, SIGTERM}) REQUIRE(::raise(signal) == 0);

  const Wakeup wakeup = loop->take();
  REQUIRE(wakeup.signals.size() == 4);
  CHECK(wakeup.signals[0].request == Request::reload);
  CHECK(wakeup.signals[0].name == "SIGHUP");
  CHECK(wakeup.signals[1].request == Request::stop);
  CHECK(wakeup.signals[1].name == "SIGINT");
  CHECK(wakeup.signals[2].request == Request::heartbeat);
  CHECK(wakeup.signals[2].name == "SIGUSR1");
  CHECK(wakeup.signals[3].request == Request::stop);
  CHECK(wakeup.signals[3].name == "SIGTERM");
  CHECK_FALSE(wakeup.watchdog_due);
  CHECK(loop->take().signals.empty());
}

TEST_CASE("event loop: a wake source is readable while a signal waits to be taken",
          "[event_loop]") {
  auto loop = open_loop();
  CHECK_FALSE(wake_source_readable(*loop));
  REQUIRE(::raise(SIGUSR1) == 0);
  CHECK(wake_source_readable(*loop));
  CHECK(loop->take().signals.size() == 1);
  CHECK_FALSE(wake_source_readable(*loop));
}

TEST_CASE("event loop: a wait ends at its deadline, or at once when that has passed",
          "[event_loop]") {
  auto loop = open_loop();
  const Duration deadline = now(*loop) + 50ms;
  Wakeup wakeup = loop->wait_until(deadline);
  CHECK(now(*loop) >= deadline);
  CHECK(now(*loop) < deadline + 400ms);
  CHECK(wakeup.signals.empty());
  CHECK_FALSE(wakeup.watchdog_due);

  const Duration before = now(*loop);
  wakeup = loop->wait_until(before - 1s);
  CHECK(now(*loop) < before + 100ms);
  CHECK(wakeup.signals.empty());
}

TEST_CASE("event loop: a signal sent to the process ends a wait at once", "[event_loop]") {
  auto loop = open_loop();
  const Duration start = now(*loop);
  Wakeup wakeup;
  {
    const std::jthread sender = send_later(SIGTERM, 50ms);
    while (wakeup.signals.empty() && now(*loop) < start + 5s) {
      wakeup = loop->wait_until(start + 10s);
    }
  }
  REQUIRE(wakeup.signals.size() == 1);
  CHECK(wakeup.signals[0].request == Request::stop);
  CHECK(wakeup.signals[0].name == "SIGTERM");
  CHECK(now(*loop) - start < 1s);
}

TEST_CASE("event loop: watchdog pings fall due every period and wake a wait", "[event_loop]") {
  auto loop = open_loop();
  const Duration start = now(*loop);
  loop->ping_every(30ms);
  int pings = 0;
  while (pings < 3 && now(*loop) < start + 2s) {
    if (loop->wait_until(start + 10s).watchdog_due) ++pings;
  }
  CHECK(pings == 3);
  CHECK(now(*loop) - start >= 85ms);
  CHECK(now(*loop) - start < 1s);
}
