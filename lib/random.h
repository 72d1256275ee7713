// Randomness from libsodium's CSPRNG, behind a seam the daemon's tests replace.
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
