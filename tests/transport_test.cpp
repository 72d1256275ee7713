#include "transport.h"

#include <catch2/catch.hpp>
#include <chrono>

#include "transport_settings.h"

using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;
using pulse::test::with_timeout;

TEST_CASE("transport: a deadline caps the time-out only when it comes first, and names itself") {
  pulse::TransportContext transport(with_timeout(1min));
  CHECK(transport.time_limit().timeout == 1min);
  CHECK(transport.time_limit().name == "1m (server.timeout)");

  transport.end_all_by(SteadyClock::now() + 5min, "the budget");
  CHECK(transport.time_limit().timeout == 1min);
  CHECK(transport.time_limit().name == "1m (server.timeout)");

  transport.end_all_by(SteadyClock::now() + 2s, "the budget");
  const pulse::TimeLimit limit = transport.time_limit();
  CHECK(limit.timeout <= 2s);
  CHECK(limit.timeout > 1s);
  CHECK(limit.name == "the budget");

  // Past the deadline one last moment is left: to libcurl 0 means no limit.
  transport.end_all_by(SteadyClock::now() - 1s, "the budget");
  CHECK(transport.time_limit().timeout == 1ms);
}

TEST_CASE("transport: a CA file that cannot be used is refused when the context is made") {
  pulse::TransportSettings settings;
  settings.ca_file = "/nonexistent/ca.pem";
  CHECK_THROWS_WITH(pulse::TransportContext(settings),
                    Catch::Matchers::StartsWith("cannot read CA file '/nonexistent/ca.pem'"));
}
