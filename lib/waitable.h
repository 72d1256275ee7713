// What the daemon's loop sleeps on: a descriptor that poll(2) watches on
// POSIX systems, a handle that WaitForMultipleObjects watches on Windows.
#pragma once

#include <initializer_list>

namespace pulse {

#ifdef _WIN32
using Waitable = void*;  // HANDLE
#else
using Waitable = int;
#endif

// Blocks until at least one of `waitables` is readable (POSIX) or signalled
// (Windows). Throws std::system_error.
void wait_for_any(std::initializer_list<Waitable> waitables);

}  // namespace pulse
