#include "ph_connection.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <string>

#include "silent_listener.h"

using namespace std::chrono_literals;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

pulse::TransportContext with_timeout(pulse::Duration timeout, pulse::WakeWatch watch = {}) {
  pulse::TransportSettings settings;
  settings.timeout = timeout;
  return pulse::TransportContext(settings, std::move(watch));
}

// The hub behind a silent listener's port, over Ph.
pulse::ServerUrl ph_server(const SilentListener& listener) {
  const std::string http = listener.url();  // "http://127.0.0.1:PORT/"
  return pulse::parse_server_url("ph" + http.substr(4, http.size() - 5));
}

// Why connecting failed, and its kind.
pulse::PhExchangeError connect_error(const pulse::ServerUrl& server,
                                     const pulse::TransportContext& transport) {
  try {
    pulse::PhConnection connection(server, transport);
  } catch (const pulse::PhExchangeError& error) {
    return error;
  }
  FAIL("the connection was made");
  return pulse::PhExchangeError(pulse::OutcomeKind::delivered, "");
}

}  // namespace

TEST_CASE("ph connection: a hub that never completes the handshake is given up, named",
          "[ph_connection]") {
  SilentListener hub;
  const pulse::ServerUrl server = ph_server(hub);
  const auto start = std::chrono::steady_clock::now();
  const pulse::PhExchangeError error = connect_error(server, with_timeout(300ms));
  CHECK(std::chrono::steady_clock::now() - start < 1500ms);
  CHECK(error.kind() == pulse::OutcomeKind::unavailable);
  CHECK_THAT(error.what(), StartsWith("cannot reach " + server.origin + ": "));
  CHECK_THAT(error.what(), Contains("no answer within 300ms (server.timeout)"));
}

TEST_CASE("ph connection: a closed port is unavailable, with what to check", "[ph_connection]") {
  pulse::ServerUrl server = [] {
    SilentListener closed_when_done;
    return ph_server(closed_when_done);
  }();
  const pulse::PhExchangeError error = connect_error(server, with_timeout(5s));
  CHECK(error.kind() == pulse::OutcomeKind::unavailable);
  CHECK_THAT(error.what(), Contains("check server.url and that the server is up"));
}

TEST_CASE("ph connection: a wake-up that says stop interrupts the handshake",
          "[ph_connection]") {
  SilentListener hub;
  int wake[2];
  REQUIRE(::pipe(wake) == 0);
  REQUIRE(::write(wake[1], "x", 1) == 1);
  int wakes = 0;
  const pulse::TransportContext transport =
      with_timeout(5s, {{wake[0]}, [&wakes] { return ++wakes > 0; }});
  const auto start = std::chrono::steady_clock::now();
  const pulse::ServerUrl server = ph_server(hub);
  const pulse::PhExchangeError error = connect_error(server, transport);
  CHECK(std::chrono::steady_clock::now() - start < 2s);
  CHECK(wakes == 1);
  CHECK(error.kind() == pulse::OutcomeKind::unavailable);
  CHECK(std::string(error.what()) == "delivery to " + server.origin + " interrupted");
  ::close(wake[0]);
  ::close(wake[1]);
}
