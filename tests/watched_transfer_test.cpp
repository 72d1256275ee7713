#include "watched_transfer.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <memory>

#include "silent_listener.h"
#include "event_loop.h"

using namespace std::chrono_literals;
using pulse::SocketWait;
using pulse::WakeWatch;
using SteadyClock = std::chrono::steady_clock;

namespace {

struct CurlDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};

// A GET to `url`, whose server never answers, ended by libcurl after
// `timeout_ms`.
std::unique_ptr<CURL, CurlDeleter> stalled_request(const std::string& url, long timeout_ms) {
  std::unique_ptr<CURL, CurlDeleter> curl{curl_easy_init()};
  REQUIRE(curl);
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, timeout_ms);
  return curl;
}

// The daemon's watchdog in small: the event loop's pings wake the wait every
// period, counted and consumed by on_wake.
struct Ticker {
  explicit Ticker(pulse::Duration period) { loop->ping_every(period); }
  void take() {
    if (loop->take().watchdog_due) ++ticks;
  }
  std::unique_ptr<pulse::EventLoop> loop = pulse::open_system_event_loop();
  int ticks = 0;
};

double seconds_since(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

struct SocketPair {
  SocketPair() { REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0); }
  ~SocketPair() {
    ::close(fds[0]);
    ::close(fds[1]);
  }
  int fds[2];
};

}  // namespace

TEST_CASE("watched transfer: wake-ups are served at their own rate and may abort at once") {
  SilentListener server;
  const std::string url = server.url();
  auto curl = stalled_request(url, 10'000);
  Ticker ticker(100ms);
  const WakeWatch watch{ticker.loop->wake_sources(), [&ticker] {
                          ticker.take();
                          return ticker.ticks == 3;
                        }};

  const auto start = SteadyClock::now();
  CHECK(pulse::WatchedTransfer(curl.get()).perform(watch) == CURLE_ABORTED_BY_CALLBACK);
  // Three ticks 100 ms apart, not one per second as libcurl's progress
  // callback would be called while the server is silent.
  CHECK(ticker.ticks == 3);
  CHECK(seconds_since(start) < 0.9);
}

TEST_CASE("watched transfer: wake-ups that do not abort leave the transfer its time-out") {
  SilentListener server;
  const std::string url = server.url();
  auto curl = stalled_request(url, 600);
  Ticker ticker(50ms);
  const WakeWatch watch{ticker.loop->wake_sources(), [&ticker] {
                          ticker.take();
                          return false;
                        }};

  const auto start = SteadyClock::now();
  CHECK(pulse::WatchedTransfer(curl.get()).perform(watch) == CURLE_OPERATION_TIMEDOUT);
  const double took = seconds_since(start);
  CHECK(took >= 0.59);
  CHECK(took < 2.0);
  CHECK(ticker.ticks >= 6);  // 12 expected
}

TEST_CASE("watched transfer: a wait on a socket ends when it is ready, woken or out of time") {
  SocketPair pair;
  SocketPair wake;  // a byte written to fds[1] wakes the wait
  bool abort = false;
  int wakes = 0;
  const WakeWatch watch{{wake.fds[0]}, [&] {
                          char byte;
                          if (::read(wake.fds[0], &byte, 1) == 1) ++wakes;
                          return abort;
                        }};

  const auto start = SteadyClock::now();
  CHECK(pulse::wait_for_socket(pair.fds[0], POLLIN, 50ms, watch) == SocketWait::again);
  CHECK(seconds_since(start) >= 0.049);
  CHECK(wakes == 0);

  REQUIRE(::write(wake.fds[1], "x", 1) == 1);
  CHECK(pulse::wait_for_socket(pair.fds[0], POLLIN, 10s, watch) == SocketWait::again);
  CHECK(wakes == 1);

  abort = true;
  REQUIRE(::write(wake.fds[1], "x", 1) == 1);
  CHECK(pulse::wait_for_socket(pair.fds[0], POLLIN, 10s, watch) == SocketWait::aborted);
  CHECK(wakes == 2);

  REQUIRE(::write(pair.fds[1], "x", 1) == 1);
  CHECK(pulse::wait_for_socket(pair.fds[0], POLLIN, 10s, watch) == SocketWait::ready);
  CHECK(pulse::wait_for_socket(pair.fds[0], POLLOUT, 10s, watch) == SocketWait::ready);
  CHECK(wakes == 2);
  CHECK(seconds_since(start) < 5);
}
