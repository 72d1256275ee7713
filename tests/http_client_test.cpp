#include "http_client.h"

#include <catch2/catch.hpp>
#include <chrono>

#include "silent_listener.h"
#include "transport_settings.h"

using namespace std::chrono_literals;
using Catch::Matchers::Contains;
using SteadyClock = std::chrono::steady_clock;
using pulse::test::with_timeout;

TEST_CASE("http client: a server that never answers is given up at the deadline, which is named") {
  SilentListener server;
  pulse::TransportContext transport(with_timeout(1min));
  transport.end_all_by(SteadyClock::now() + 300ms, "the 300ms budget (test)");
  const pulse::HttpClient client(transport);

  const auto start = SteadyClock::now();
  const pulse::Outcome outcome = client.post({server.url() + "v1/presence", {}, "{}"});
  const auto took = SteadyClock::now() - start;
  CHECK(outcome.kind == pulse::OutcomeKind::unavailable);
  CHECK_THAT(outcome.message, Contains("no answer within the 300ms budget (test)"));
  CHECK_THAT(outcome.message, !Contains("server.timeout"));
  CHECK(took >= 250ms);
  CHECK(took < 1500ms);
}
