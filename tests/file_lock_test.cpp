#include "file_lock.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <filesystem>

#include "failure.h"
#include "temp_dir.h"

namespace fs = std::filesystem;
using pulse::FileLock;
using pulse::test::TempDir;

TEST_CASE("file_lock: the lock is exclusive until it goes away", "[file_lock]") {
  TempDir dir{"pulse-lock-test"};
  const fs::path path = dir / "state" / "spool.lock";
  {
    FileLock first(path, true);
    CHECK(first.held());
    // flock(2) locks belong to the open file, so a second open conflicts
    // even in the same process, as another `send` would.
    FileLock second(path, false);
    CHECK_FALSE(second.held());
  }
  FileLock again(path, false);
  CHECK(again.held());
}

TEST_CASE("file_lock: creates the file and its directory", "[file_lock]") {
  TempDir dir{"pulse-lock-test"};
  const fs::path path = dir / "state" / "deeper" / "pulse.lock";
  const FileLock lock(path, false);
  REQUIRE(lock.held());
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  REQUIRE(::stat(path.parent_path().c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0755);
}

TEST_CASE("file_lock: the holder's content replaces the old one and others read it",
          "[file_lock]") {
  TempDir dir{"pulse-lock-test"};
  const fs::path path = dir / "pulse.lock";
  const FileLock lock(path, false);
  REQUIRE(lock.held());
  lock.write_content("123456\n");
  lock.write_content("78\n");
  CHECK(FileLock::read_content(path) == "78\n");
}

TEST_CASE("file_lock: a missing or symlinked lock file reads as empty", "[file_lock]") {
  TempDir dir{"pulse-lock-test"};
  CHECK(FileLock::read_content(dir / "missing.lock").empty());
  const fs::path target = dir.write("target", "4321\n");
  fs::create_symlink(target, dir / "linked.lock");
  CHECK(FileLock::read_content(dir / "linked.lock").empty());
}

TEST_CASE("file_lock: never follows a symlink to the lock file", "[file_lock]") {
  TempDir dir{"pulse-lock-test"};
  const fs::path target = dir.write("target", "kept\n");
  fs::create_symlink(target, dir / "pulse.lock");
  CHECK_THROWS_AS(FileLock(dir / "pulse.lock", false), std::system_error);
}

TEST_CASE("file_lock: a directory others may write is refused", "[file_lock]") {
  TempDir dir{"pulse-lock-test"};
  const fs::path state = dir / "state";
  fs::create_directory(state);
  fs::permissions(state, fs::perms::others_write, fs::perm_options::add);
  try {
    FileLock lock(state / "pulse.lock", false);
    FAIL("the lock was taken in a directory others may write");
  } catch (const pulse::Failure& failure) {
    CHECK(failure.code() == pulse::ExitCode::configuration);
    CHECK_FALSE(fs::exists(state / "pulse.lock"));
  }
}
