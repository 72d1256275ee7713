// The signals the daemon takes requests by, and what each asks: the same for
// both POSIX event loops (linux_event_loop.cpp, posix_event_loop.cpp).
#pragma once

#include <signal.h>

#include <array>

#include "event_loop.h"

namespace pulse {

constexpr std::array kRequestSignals = {SIGTERM, SIGINT, SIGHUP, SIGUSR1};

// `number` is one of kRequestSignals.
inline Signal signal_of(int number) {
  switch (number) {
    case SIGTERM: return {Request::stop, "SIGTERM"};
    case SIGINT: return {Request::stop, "SIGINT"};
    case SIGHUP: return {Request::reload, "SIGHUP"};
    default: return {Request::heartbeat, "SIGUSR1"};
  }
}

}  // namespace pulse
