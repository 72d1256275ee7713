#include "files.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "temp_dir.h"

namespace fs = std::filesystem;
using pulse::test::TempDir;

namespace {

mode_t mode_of(const fs::path& path) {
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  return info.st_mode & 07777;
}

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

// Runs `body` under `mask` as the process's umask, restoring the old one.
template <typename Body>
void with_umask(mode_t mask, Body body) {
  const mode_t old = ::umask(mask);
  try {
    body();
  } catch (...) {
    ::umask(old);
    throw;
  }
  ::umask(old);
}

}  // namespace

TEST_CASE("files: a missing file reads as nullopt, an existing one whole", "[files]") {
  TempDir dir{"pulse-files-test"};
  CHECK_FALSE(pulse::read_file_if_exists(dir / "missing"));
  const std::string content(20000, 'x');
  CHECK(pulse::read_file_if_exists(dir.write("big", content)) == content);
}

TEST_CASE("files: a bounded read refuses more than its limit", "[files]") {
  TempDir dir{"pulse-files-test"};
  const fs::path file = dir.write("file", std::string(2048, 'a'));
  CHECK(pulse::read_bounded_file_if_exists(file, 2048, pulse::Symlinks::refuse)->size() == 2048);
  try {
    pulse::read_bounded_file_if_exists(file, 1024, pulse::Symlinks::refuse);
    FAIL("read past the limit");
  } catch (const std::system_error& error) {
    CHECK(error.code() == std::errc::file_too_large);
    CHECK(std::string(error.what()).find("holds more than 1 KiB") != std::string::npos);
  }
}

TEST_CASE("files: a bounded read follows a symlink only when told to", "[files]") {
  TempDir dir{"pulse-files-test"};
  fs::create_symlink(dir.write("target", "content"), dir / "link");
  CHECK(pulse::read_bounded_file_if_exists(dir / "link", 100, pulse::Symlinks::follow) ==
        "content");
  try {
    pulse::read_bounded_file_if_exists(dir / "link", 100, pulse::Symlinks::refuse);
    FAIL("followed the symlink");
  } catch (const std::system_error& error) {
    CHECK(error.code() == std::errc::too_many_symbolic_link_levels);
    CHECK(std::string(error.what()).find("link'") != std::string::npos);
  }
}

TEST_CASE("files: an atomic write replaces the file with the mode asked for", "[files]") {
  TempDir dir{"pulse-files-test"};
  const fs::path file = dir.write("config", "old content that is longer");
  SECTION("under a narrow umask") {
    with_umask(077, [&] { pulse::write_file_atomically(file, "new", 0644); });
  }
  SECTION("under a wide umask") {
    with_umask(0, [&] { pulse::write_file_atomically(file, "new", 0644); });
  }
  CHECK(pulse::read_file_if_exists(file) == "new");
  CHECK(mode_of(file) == 0644);
  CHECK(names_in(dir.path()) == std::vector<std::string>{"config"});
}

TEST_CASE("files: a failed atomic write leaves neither file nor temp file", "[files]") {
  TempDir dir{"pulse-files-test"};
  fs::create_directory(dir / "sub");
  fs::create_directory(dir / "sub" / "in-the-way");
  CHECK_THROWS_AS(pulse::write_file_atomically(dir / "sub" / "in-the-way", "x", 0600),
                  std::system_error);
  CHECK(names_in(dir / "sub") == std::vector<std::string>{"in-the-way"});
}

TEST_CASE("files: an atomic create never replaces an existing file", "[files]") {
  TempDir dir{"pulse-files-test"};
  const fs::path file = dir / "key";
  CHECK(pulse::create_file_atomically(file, "first", 0600));
  CHECK_FALSE(pulse::create_file_atomically(file, "second", 0600));
  CHECK(pulse::read_file_if_exists(file) == "first");
  CHECK(mode_of(file) == 0600);
  CHECK(names_in(dir.path()) == std::vector<std::string>{"key"});
}

TEST_CASE("files: the temp files of an atomic write are told from other files", "[files]") {
  CHECK(pulse::is_atomic_write_temp_file(".config.Ab3_x-Yz.tmp"));
  CHECK_FALSE(pulse::is_atomic_write_temp_file("config.tmp"));
  CHECK_FALSE(pulse::is_atomic_write_temp_file(".config"));
  CHECK_FALSE(pulse::is_atomic_write_temp_file("2026-11-28T10:52:29.123Z-abc.json"));
}

TEST_CASE("files: directories are created with their parents, existing ones left alone",
          "[files]") {
  TempDir dir{"pulse-files-test"};
  fs::create_directory(dir / "kept");
  fs::permissions(dir / "kept", fs::perms::owner_all);
  with_umask(0, [&] { pulse::create_directories(dir / "kept" / "a" / "b", 0750); });
  CHECK(mode_of(dir / "kept") == 0700);
  CHECK(mode_of(dir / "kept" / "a") == 0750);
  CHECK(mode_of(dir / "kept" / "a" / "b") == 0750);
  const fs::path file = dir.write("file", "");
  CHECK_THROWS_AS(pulse::create_directories(file / "below", 0750), std::system_error);
}

TEST_CASE("files: an existing file's access is its mode and owner", "[files]") {
  TempDir dir{"pulse-files-test"};
  CHECK_FALSE(pulse::existing_file_access(dir / "missing"));
  const fs::path file = dir.write("file", "");
  fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  const auto access = pulse::existing_file_access(file);
  REQUIRE(access);
  CHECK(access->mode == 0640);
  CHECK(access->owner.user == ::geteuid());
}

TEST_CASE("files: file errors name the path first", "[files]") {
  CHECK(pulse::describe_file_error("/etc/pharos/pulse.toml",
                                   std::make_error_code(std::errc::permission_denied)) ==
        "'/etc/pharos/pulse.toml': Permission denied");
  CHECK(pulse::time_separator_in_file_names() == ':');
}
