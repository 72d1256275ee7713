#include <system_error>

#include "lock_probe.h"
#include "file_lock.h"

namespace pulse {

// Windows has no list of locks to read: try the lock and let go at once.
LockProbe probe_lock(const std::filesystem::path& lock_file) {
  std::error_code error;
  if (!std::filesystem::exists(lock_file, error)) {
    if (!error) return {LockProbe::Holder::none, ""};
    return {LockProbe::Holder::cannot_tell, "cannot look at '" + lock_file.string() + "': " +
                                                error.message()};
  }
  try {
    const FileLock lock(lock_file, false);
    return {lock.held() ? LockProbe::Holder::none : LockProbe::Holder::someone, ""};
  } catch (const std::system_error& failure) {
    return {LockProbe::Holder::cannot_tell, failure.what()};
  }
}

}  // namespace pulse
