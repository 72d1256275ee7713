#include "ph_channel.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <string>

#include "ph_test_events.h"
#include "signature_vector.h"
#include "silent_listener.h"
#include "temp_dir.h"

using namespace std::chrono_literals;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
namespace tv = pulse::test_vector;

namespace {

pulse::TransportContext with_timeout(pulse::Duration timeout) {
  pulse::TransportSettings settings;
  settings.timeout = timeout;
  return pulse::TransportContext(settings);
}

// A hub at a port nobody listens on: any connection attempt fails there.
pulse::ServerUrl unreachable_hub() {
  SilentListener closed_when_done;
  const std::string http = closed_when_done.url();
  return pulse::parse_server_url("ph" + http.substr(4, http.size() - 5));
}

}  // namespace

TEST_CASE("ph channel: a dry run shows id, add and quit", "[ph_channel]") {
  const pulse::Identity identity = tv::identity();
  const pulse::TransportContext transport = with_timeout(1s);
  pulse::PhPresenceChannel channel(pulse::parse_server_url("ph://hub.example"), transport,
                                   identity, identity.public_line());
  CHECK(channel.dry_run(pulse::test::ph_heartbeat(R"("web-01")")) ==
        "id \"pulse-web-01\"\n"
        "add hostname=\"web-01\" type=\"machine\" status=\"online\" pulse_event=\"HEARTBEAT\" "
        "pulse_timestamp=\"2026-11-28T10:52:29.123Z\"\n"
        "quit\n");
  CHECK(channel.destination() == "ph://hub.example");
}

TEST_CASE("ph channel: a damaged event is refused before connecting", "[ph_channel]") {
  const pulse::Identity identity = tv::identity();
  const pulse::TransportContext transport = with_timeout(1s);
  pulse::PhPresenceChannel channel(unreachable_hub(), transport, identity,
                                   identity.public_line());
  pulse::StoredEvent event = pulse::test::ph_heartbeat(R"("web-01")");
  event.payload = R"({"event":"HEARTBEAT"})";
  const pulse::Outcome outcome = channel.deliver(event);
  CHECK(outcome.kind == pulse::OutcomeKind::protocol);
  CHECK_THAT(outcome.message, StartsWith("cannot send over ph://: "));
}

TEST_CASE("ph channel: a value with a line break is an outcome, not a throw", "[ph_channel]") {
  const pulse::Identity identity = tv::identity();
  const pulse::TransportContext transport = with_timeout(1s);
  pulse::PhPresenceChannel channel(unreachable_hub(), transport, identity,
                                   identity.public_line());
  pulse::Outcome outcome;
  REQUIRE_NOTHROW(outcome = channel.deliver(pulse::test::ph_heartbeat(R"("web\n01")")));
  CHECK(outcome.kind == pulse::OutcomeKind::unavailable);
  CHECK_THAT(outcome.message,
             StartsWith("cannot deliver: cannot send 'hostname' over ph://: its value contains "
                        "a line break"));
}

TEST_CASE("ph channel: a hub that cannot be reached is unavailable", "[ph_channel]") {
  const pulse::Identity identity = tv::identity();
  const pulse::TransportContext transport = with_timeout(5s);
  const pulse::ServerUrl hub = unreachable_hub();
  pulse::PhPresenceChannel channel(hub, transport, identity, identity.public_line());
  const pulse::Outcome outcome = channel.deliver(pulse::test::ph_heartbeat(R"("web-01")"));
  CHECK(outcome.kind == pulse::OutcomeKind::unavailable);
  CHECK_THAT(outcome.message, StartsWith("cannot reach " + hub.origin));
}

TEST_CASE("ph channel: the public line is the .pub's when it holds this key", "[ph_channel]") {
  const pulse::Identity identity = tv::identity();
  pulse::test::TempDir dir;
  const std::filesystem::path key = dir.path() / "id_ed25519";
  const std::string own = identity.public_line();
  CHECK(pulse::ph_public_line(identity, key) == own);  // no .pub

  const std::string key_part = own.substr(0, own.rfind(' '));
  std::ofstream(key.string() + ".pub") << key_part << " admin@laptop\r\n";
  CHECK(pulse::ph_public_line(identity, key) == key_part + " admin@laptop");

  // A .pub left over from another key would only fail the login.
  std::ofstream(key.string() + ".pub")
      << "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB x\n";
  CHECK(pulse::ph_public_line(identity, key) == own);
}
