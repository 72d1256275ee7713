// Keeping the identity key out of core dumps (issue 14): a crash or a
// `kill -ABRT` must not write the Ed25519 seed to disk.
#pragma once

namespace pulse {

// Marks the process as not dumpable (Linux: PR_SET_DUMPABLE 0, which also
// keeps other processes of the same user from ptrace and /proc/PID/mem).
// Called once a secret key is in memory; the key's own buffer is excluded
// from dumps as well (sodium_malloc, MADV_DONTDUMP).
void protect_from_core_dumps();

}  // namespace pulse
