#include "status_report.h"

#include <catch2/catch.hpp>

#include <filesystem>

#include "file_lock.h"
#include "files.h"
#include "temp_dir.h"

namespace {

using pulse::Verdict;
using pulse::test::TempDir;

void write_status(const TempDir& dir, const char* outcome) {
  pulse::DaemonStatus status;
  status.pid = 1;
  status.started = "2026-12-02T10:00:00Z";
  status.server = "https://pharos.example.net";
  status.transport = "https";
  if (outcome) status.last_event = pulse::EventRecord{"ONLINE", outcome, "2026-12-02T10:00:01Z"};
  pulse::write_file_atomically(pulse::status_file_path(dir.path()), pulse::to_json(status), 0644);
}

}  // namespace

TEST_CASE("status verdicts follow the lock and the last outcome", "[status_report]") {
  TempDir dir;
  CHECK(pulse::gather_status(dir.path()).verdict == Verdict::stopped);

  write_status(dir, "unavailable");
  auto stopped = pulse::gather_status(dir.path());
  CHECK(stopped.verdict == Verdict::stopped);  // a status file left by a run that ended
  CHECK(stopped.daemon);

  pulse::FileLock lock(dir / "pulse.lock", false);
  REQUIRE(lock.held());
  CHECK(pulse::gather_status(dir.path()).verdict == Verdict::failing);
  write_status(dir, "delivered");
  CHECK(pulse::gather_status(dir.path()).verdict == Verdict::ok);
  write_status(dir, nullptr);
  CHECK(pulse::gather_status(dir.path()).verdict == Verdict::ok);

  dir.write("status.json", "{not json");
  auto damaged = pulse::gather_status(dir.path());
  CHECK(damaged.verdict == Verdict::unknown);
  REQUIRE(damaged.problems.size() == 1);
  CHECK(damaged.problems[0].find("status.json") != std::string::npos);
}

TEST_CASE("status counts waiting, rejected and corrupt spool files", "[status_report]") {
  TempDir dir;
  CHECK(pulse::gather_status(dir.path()).spool->waiting == 0);
  std::filesystem::create_directory(dir / "spool");
  for (const char* name : {"spool/a.json", "spool/b.json", "spool/c.json.rejected",
                           "spool/d.json.corrupt", "spool/.e.json.x.tmp"}) {
    dir.write(name, "{}");
  }
  const auto spool = pulse::gather_status(dir.path()).spool;
  REQUIRE(spool);
  CHECK(spool->waiting == 2);
  CHECK(spool->rejected == 1);
  CHECK(spool->corrupt == 1);
}
