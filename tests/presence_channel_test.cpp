#include "presence_channel.h"

#include <catch2/catch.hpp>
#include <chrono>

#include "ph_channel.h"
#include "signature_vector.h"
#include "silent_listener.h"

using namespace std::chrono_literals;
using Catch::Matchers::Contains;
namespace tv = pulse::test_vector;

TEST_CASE("presence channel: the url's scheme picks the channel and where it goes",
          "[presence_channel]") {
  const pulse::Identity identity = tv::identity();
  const pulse::TransportContext transport(pulse::TransportSettings{});

  const auto https = pulse::open_presence_channel(
      pulse::parse_server_url("https://hub.example/pharos"), transport, identity);
  CHECK(dynamic_cast<pulse::HttpsPresenceChannel*>(https.get()) != nullptr);
  CHECK(https->destination() == "https://hub.example/pharos/v1/presence");

  const auto ph = pulse::open_presence_channel(pulse::parse_server_url("ph://hub.example:2400"),
                                               transport, identity);
  CHECK(dynamic_cast<pulse::PhPresenceChannel*>(ph.get()) != nullptr);
  CHECK(ph->destination() == "ph://hub.example:2400");
}

TEST_CASE("presence channel: an HTTPS delivery keeps the transport's deadline",
          "[presence_channel]") {
  SilentListener server;
  const pulse::Identity identity = tv::identity();
  pulse::TransportSettings settings;
  settings.timeout = 1min;
  pulse::TransportContext transport(settings);
  transport.end_all_by(std::chrono::steady_clock::now() + 300ms, "the 300ms budget (test)");
  const std::string url = server.url();
  pulse::HttpsPresenceChannel channel(pulse::parse_server_url(url.substr(0, url.size() - 1)),
                                      transport, identity);
  const pulse::StoredEvent event{tv::kIdempotencyKey, "2026-11-28T10:52:29.123Z", tv::kBody};
  const pulse::Outcome outcome = channel.deliver(event);
  CHECK(outcome.kind == pulse::OutcomeKind::unavailable);
  CHECK_THAT(outcome.message, Contains("no answer within the 300ms budget (test)"));
}
