// What a wait can watch besides its sockets: a descriptor that poll(2)
// watches on POSIX systems, a HANDLE that WaitForMultipleObjects watches on
// Windows. One integer type for both, so shared code names it without
// knowing which: each platform's files convert it to what they wait on.
#pragma once

#include <cstdint>

namespace pulse {

using Waitable = std::intptr_t;

}  // namespace pulse
