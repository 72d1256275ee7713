// Transport settings as most tests want them: the defaults and a time-out.
#pragma once

#include "duration.h"
#include "transport.h"

namespace pulse::test {

inline TransportSettings with_timeout(Duration timeout) {
  TransportSettings settings;
  settings.timeout = timeout;
  return settings;
}

}  // namespace pulse::test
