#include "dump_protection.h"

namespace pulse {

// Windows Error Reporting dumps need an administrator's opt-in
// (LocalDumps); the key's buffer is still guarded by sodium_malloc.
void protect_from_core_dumps() {}

}  // namespace pulse
