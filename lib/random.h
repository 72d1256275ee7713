// Randomness from libsodium's CSPRNG. The daemon draws its jitter through a
// RandomSource, so that a test can give it numbers of its own.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace pulse {

// `bytes` random bytes as unpadded base64url (event ids, nonces, temp names).
std::string random_token(std::size_t bytes);

// Returns a uniform value in [0, bound]; the daemon draws jitter through it.
using RandomSource = std::function<std::uint64_t(std::uint64_t bound)>;
RandomSource system_random();

}  // namespace pulse
