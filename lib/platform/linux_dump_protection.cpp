#include "dump_protection.h"

#include <sys/prctl.h>

namespace pulse {

void protect_from_core_dumps() { ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0); }

}  // namespace pulse
