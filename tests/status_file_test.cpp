#include "status_file.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>

#include <filesystem>

#include "files.h"
#include "temp_dir.h"

namespace {

using pulse::DaemonStatus;
using pulse::test::TempDir;

DaemonStatus sample() {
  DaemonStatus status;
  status.pid = 4242;
  status.started = "2026-12-02T10:00:00Z";
  status.server = "https://pharos.example.net:8443";
  status.transport = "https";
  status.last_event = pulse::EventRecord{"HEARTBEAT", "unavailable", "2026-12-02T11:00:00Z"};
  status.next_heartbeat = "2026-12-02T12:03:00Z";
  status.retry_at = "2026-12-02T11:00:02Z";
  status.last_error = pulse::ErrorRecord{"2026-12-02T11:00:00Z", "cannot connect: \"refused\""};
  return status;
}

}  // namespace

TEST_CASE("a daemon status reads back as it was written", "[status_file]") {
  const DaemonStatus status = sample();
  CHECK(pulse::parse_daemon_status(pulse::to_json(status)) == status);

  DaemonStatus starting;
  starting.pid = 1;
  starting.started = "2026-12-02T10:00:00Z";
  starting.server = "ph://hub.example.net";
  starting.transport = "ph";
  const auto text = pulse::to_json(starting);
  CHECK(text.find(R"("last_event":null)") != std::string::npos);
  CHECK(text.find(R"("retry_at":null)") != std::string::npos);
  CHECK(text.find(R"("next_heartbeat":null)") != std::string::npos);
  CHECK(pulse::parse_daemon_status(text) == starting);
}

TEST_CASE("a status file of another format or a damaged one is not read", "[status_file]") {
  std::string text = pulse::to_json(sample());
  CHECK_FALSE(pulse::parse_daemon_status(text.substr(0, text.size() / 2)));
  const auto format = text.find(R"("format":1)");
  REQUIRE(format != std::string::npos);
  CHECK_FALSE(pulse::parse_daemon_status(text.replace(format, 10, R"("format":2)")));
  CHECK_FALSE(pulse::parse_daemon_status(R"({"format":1,"pid":"x"})"));
  CHECK_FALSE(pulse::parse_daemon_status("[]"));
}

TEST_CASE("the status file is written on a change only, readable by others", "[status_file]") {
  TempDir dir;
  const auto path = pulse::status_file_path(dir.path());
  pulse::StatusFile file(path);
  DaemonStatus status = sample();
  file.publish(status);
  REQUIRE(pulse::parse_daemon_status(*pulse::read_file_if_exists(path)) == status);
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  CHECK((info.st_mode & 07777) == 0644);

  // Unchanged: not rewritten (a rewrite would replace the inode).
  file.publish(status);
  struct stat again {};
  REQUIRE(::stat(path.c_str(), &again) == 0);
  CHECK(again.st_ino == info.st_ino);

  status.retry_at.reset();
  file.publish(status);
  CHECK(pulse::parse_daemon_status(*pulse::read_file_if_exists(path)) == status);
}

TEST_CASE("a status file that cannot be written does not stop the daemon", "[status_file]") {
  TempDir dir;
  pulse::StatusFile file(dir.path() / "missing" / "status.json");
  CHECK_NOTHROW(file.publish(sample()));
  CHECK_NOTHROW(file.publish(sample()));
}
