#include <sys/resource.h>

#include "dump_protection.h"

namespace pulse {

// macOS has no PR_SET_DUMPABLE. A core size limit of 0, soft and hard, keeps
// the key out of /cores whatever launchd or the shell allowed. Not chosen:
// ptrace(PT_DENY_ATTACH), which kills the process when a debugger is already
// attached and still leaves its memory to task_for_pid, the way macOS's
// tools read another process; that needs root or the debugger entitlement,
// which is the protection Linux's flag gives against the same user.
void protect_from_core_dumps() {
  const rlimit none{0, 0};
  ::setrlimit(RLIMIT_CORE, &none);
}

}  // namespace pulse
