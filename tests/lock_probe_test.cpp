#include "lock_probe.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <catch2/catch.hpp>

#include "file_lock.h"
#include "temp_dir.h"

using pulse::LockProbe;

TEST_CASE("the flock holder is found in /proc/locks by device and inode", "[lock_probe]") {
  const std::string locks =
      "1: POSIX  ADVISORY  WRITE 77 fe:00:1234 0 EOF\n"
      "2: FLOCK  ADVISORY  WRITE 656 fe:00:10955288 0 EOF\n"
      "2: -> FLOCK  ADVISORY  WRITE 700 fe:00:10955288 0 EOF\n"
      "3: FLOCK  ADVISORY  WRITE 900 08:01:10955288 0 EOF\n";
  CHECK(pulse::flock_holder(locks, makedev(0xfe, 0), 10955288) == 656);
  CHECK(pulse::flock_holder(locks, makedev(8, 1), 10955288) == 900);
  CHECK_FALSE(pulse::flock_holder(locks, makedev(0xfe, 0), 1234));  // a POSIX lock
  CHECK_FALSE(pulse::flock_holder(locks, makedev(0xfe, 1), 10955288));
  CHECK_FALSE(pulse::flock_holder("", makedev(0xfe, 0), 10955288));
}

TEST_CASE("probe_lock tells a held lock from a free or missing one", "[lock_probe]") {
  pulse::test::TempDir dir;
  const auto path = dir / "pulse.lock";
  CHECK(pulse::probe_lock(path).holder == LockProbe::Holder::none);
  {
    pulse::FileLock lock(path, false);
    REQUIRE(lock.held());
    CHECK(pulse::probe_lock(path).holder == LockProbe::Holder::someone);
  }
  CHECK(pulse::probe_lock(path).holder == LockProbe::Holder::none);
  // Probing did not take the lock: a run can still start.
  pulse::FileLock after(path, false);
  CHECK(after.held());
}
