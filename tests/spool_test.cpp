#include "spool.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "files.h"
#include "temp_dir.h"

namespace fs = std::filesystem;

namespace {

using pulse::test::TempDir;

pulse::StoredEvent event_at(const std::string& timestamp, const std::string& id,
                            const std::string& kind = "HEARTBEAT") {
  return {id, timestamp,
          R"({"event":")" + kind + R"(","identity":{},"metadata":{},"timestamp":")" + timestamp +
              R"("})"};
}

std::vector<std::string> names(const std::vector<fs::path>& files) {
  std::vector<std::string> out;
  for (const auto& file : files) out.push_back(file.filename().string());
  return out;
}

void write_raw(const fs::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
}

}  // namespace

TEST_CASE("spool: file names sort oldest first", "[spool]") {
  const auto event = event_at("2026-11-28T10:52:29.123Z", "AbC-_9");
  CHECK(pulse::spool_file_name(event) == "2026-11-28T10:52:29.123Z-AbC-_9.json");
}

TEST_CASE("spool: parse_spool_file reads back what was written", "[spool]") {
  const auto event = event_at("2026-11-28T10:52:29.123Z", "MDEyMzQ1Njc4OTo7PD0-Pw");
  const auto parsed = pulse::parse_spool_file(pulse::spool_file_name(event), event.payload);
  REQUIRE(parsed);
  CHECK(parsed->id == event.id);
  CHECK(parsed->timestamp == event.timestamp);
  CHECK(parsed->payload == event.payload);
}

TEST_CASE("spool: parse_spool_file refuses malformed files", "[spool]") {
  const std::string good_name = "2026-11-28T10:52:29.123Z-abc.json";
  const std::string good = event_at("2026-11-28T10:52:29.123Z", "abc").payload;
  REQUIRE(pulse::parse_spool_file(good_name, good));
  CHECK_FALSE(pulse::parse_spool_file(good_name, "not json"));
  CHECK_FALSE(pulse::parse_spool_file(good_name, "[]"));
  CHECK_FALSE(pulse::parse_spool_file(good_name, R"({"event":"ONLINE"})"));
  CHECK_FALSE(pulse::parse_spool_file(good_name, R"({"timestamp":"2026-11-28T10:52:29.123Z"})"));
  // The time in the name must be the payload's time.
  CHECK_FALSE(pulse::parse_spool_file(
      good_name, event_at("2026-11-28T10:52:29.124Z", "abc").payload));
  CHECK_FALSE(pulse::parse_spool_file("2026-11-28T10:52:29.123Z-abc.txt", good));
  CHECK_FALSE(pulse::parse_spool_file("2026-11-28T10:52:29.123Z-.json", good));
  CHECK_FALSE(pulse::parse_spool_file("2026-11-28T10:52:29.123Z-a/b.json", good));
  CHECK_FALSE(pulse::parse_spool_file("2026-11-28T10:52:29.123Z_abc.json", good));
  CHECK_FALSE(pulse::parse_spool_file("short.json", good));
}

TEST_CASE("spool: add writes one private file per event, pending lists them oldest first",
          "[spool]") {
  TempDir dir{"pulse-spool-test"};
  pulse::Spool spool(dir / "spool", 1000);
  CHECK(spool.pending().empty());  // no directory yet
  const auto second = event_at("2026-11-28T10:52:30.000Z", "bbb");
  const auto first = event_at("2026-11-28T10:52:29.999Z", "zzz");
  const auto third = event_at("2026-11-28T11:00:00.000Z", "aaa");
  spool.add(second);
  spool.add(third);
  spool.add(first);
  CHECK(names(spool.pending()) == std::vector<std::string>{
                                      "2026-11-28T10:52:29.999Z-zzz.json",
                                      "2026-11-28T10:52:30.000Z-bbb.json",
                                      "2026-11-28T11:00:00.000Z-aaa.json"});
  struct stat status {};
  REQUIRE(::stat((dir / "spool").c_str(), &status) == 0);
  CHECK((status.st_mode & 0777) == 0700);
  REQUIRE(::stat(spool.pending().front().c_str(), &status) == 0);
  CHECK((status.st_mode & 0777) == 0600);
  CHECK(pulse::read_file_if_exists(spool.pending().front()) == first.payload);

  const auto read = spool.read(spool.pending().front());
  REQUIRE(read);
  CHECK(read->id == "zzz");
  CHECK(read->payload == first.payload);
  spool.remove(spool.pending().front());
  CHECK(spool.pending().size() == 2);
}

TEST_CASE("spool: temp files, corrupt files and other entries are not pending", "[spool]") {
  TempDir dir{"pulse-spool-test"};
  pulse::Spool spool(dir / "spool", 1000);
  spool.add(event_at("2026-11-28T10:52:29.123Z", "abc"));
  write_raw(dir / "spool" / ".2026-11-28T10:52:30.000Z-tmp.json", "{}");
  write_raw(dir / "spool" / "2026-11-28T10:52:31.000Z-old.json.corrupt", "{}");
  write_raw(dir / "spool" / "README", "x");
  fs::create_directory(dir / "spool" / "2026-11-28T10:52:32.000Z-dir.json");
  CHECK(names(spool.pending()) ==
        std::vector<std::string>{"2026-11-28T10:52:29.123Z-abc.json"});
}

TEST_CASE("spool: add removes temp files a crashed writer left, not a live writer's", "[spool]") {
  TempDir dir{"pulse-spool-test"};
  pulse::Spool spool(dir / "spool", 1000);
  spool.add(event_at("2026-11-28T10:52:29.123Z", "abc"));
  const fs::path crashed = dir / "spool" / ".2026-11-28T10:52:30.000Z-c.json.AbCdEfGh.tmp";
  const fs::path live = dir / "spool" / ".2026-11-28T10:52:31.000Z-l.json.IjKlMnOp.tmp";
  write_raw(crashed, R"({"event":"HEART)");
  write_raw(live, R"({"event":"HEART)");
  fs::last_write_time(crashed, fs::file_time_type::clock::now() - std::chrono::hours(2));
  spool.add(event_at("2026-11-28T10:52:32.000Z", "def"));
  CHECK_FALSE(fs::exists(crashed));
  CHECK(fs::exists(live));
  CHECK(names(spool.pending()) == std::vector<std::string>{"2026-11-28T10:52:29.123Z-abc.json",
                                                           "2026-11-28T10:52:32.000Z-def.json"});
}

TEST_CASE("spool: past max_events the oldest are dropped", "[spool]") {
  TempDir dir{"pulse-spool-test"};
  pulse::Spool spool(dir / "spool", 3);
  for (int i = 0; i < 5; ++i) {
    spool.add(event_at("2026-11-28T10:52:2" + std::to_string(i) + ".000Z", "e" + std::to_string(i)));
  }
  CHECK(names(spool.pending()) == std::vector<std::string>{"2026-11-28T10:52:22.000Z-e2.json",
                                                           "2026-11-28T10:52:23.000Z-e3.json",
                                                           "2026-11-28T10:52:24.000Z-e4.json"});
}

TEST_CASE("spool: a rejected event is renamed aside, kept, and no longer pending", "[spool]") {
  TempDir dir{"pulse-spool-test"};
  pulse::Spool spool(dir / "spool", 1000);
  const auto rejected = event_at("2026-11-28T10:52:21.000Z", "e1");
  spool.add(rejected);
  spool.add(event_at("2026-11-28T10:52:22.000Z", "e2"));
  spool.reject(spool.pending().front(), "server answered 400");
  CHECK(names(spool.pending()) == std::vector<std::string>{"2026-11-28T10:52:22.000Z-e2.json"});
  CHECK(pulse::read_file_if_exists(dir / "spool" / "2026-11-28T10:52:21.000Z-e1.json.rejected") ==
        rejected.payload);
}

TEST_CASE("spool: rejected events count against max_events, the oldest file dropped first",
          "[spool]") {
  TempDir dir{"pulse-spool-test"};
  pulse::Spool spool(dir / "spool", 3);
  spool.add(event_at("2026-11-28T10:52:20.000Z", "e0"));
  spool.add(event_at("2026-11-28T10:52:21.000Z", "e1"));
  spool.reject(spool.pending().front(), "server answered 400");
  spool.reject(spool.pending().front(), "server answered 400");
  spool.add(event_at("2026-11-28T10:52:22.000Z", "e2"));
  spool.add(event_at("2026-11-28T10:52:23.000Z", "e3"));
  CHECK(names(spool.pending()) == std::vector<std::string>{"2026-11-28T10:52:22.000Z-e2.json",
                                                           "2026-11-28T10:52:23.000Z-e3.json"});
  CHECK_FALSE(fs::exists(dir / "spool" / "2026-11-28T10:52:20.000Z-e0.json.rejected"));
  CHECK(fs::exists(dir / "spool" / "2026-11-28T10:52:21.000Z-e1.json.rejected"));
}

TEST_CASE("spool: a corrupt file is moved aside and not returned", "[spool]") {
  TempDir dir{"pulse-spool-test"};
  pulse::Spool spool(dir / "spool", 1000);
  spool.add(event_at("2026-11-28T10:52:29.123Z", "abc"));
  const fs::path file = spool.pending().front();
  write_raw(file, "{\"event\":");
  CHECK_FALSE(spool.read(file));
  CHECK_FALSE(fs::exists(file));
  CHECK(fs::exists(file.string() + ".corrupt"));
  CHECK(pulse::read_file_if_exists(file.string() + ".corrupt") == "{\"event\":");
  CHECK(spool.pending().empty());
}

TEST_CASE("spool: a corrupt file that cannot be moved aside is still skipped", "[spool]") {
  TempDir dir{"pulse-spool-test"};
  pulse::Spool spool(dir / "spool", 1000);
  spool.add(event_at("2026-11-28T10:52:29.123Z", "abc"));
  const fs::path file = spool.pending().front();
  write_raw(file, "garbage");
  // rename(2) cannot replace a directory with a file.
  fs::create_directories(file.string() + ".corrupt/x");
  std::optional<pulse::StoredEvent> read;
  CHECK_NOTHROW(read = spool.read(file));
  CHECK_FALSE(read);
  CHECK(fs::exists(file));
}

TEST_CASE("spool: a file gone meanwhile reads as nothing", "[spool]") {
  TempDir dir{"pulse-spool-test"};
  pulse::Spool spool(dir / "spool", 1000);
  CHECK_FALSE(spool.read(dir / "spool" / "2026-11-28T10:52:29.123Z-abc.json"));
  CHECK_FALSE(fs::exists(dir / "spool" / "2026-11-28T10:52:29.123Z-abc.json.corrupt"));
}

TEST_CASE("spool: an unwritable spool throws system_error", "[spool]") {
  TempDir dir{"pulse-spool-test"};
  write_raw(dir / "spool", "a file where the directory should be");
  pulse::Spool spool(dir / "spool", 1000);
  CHECK_THROWS_AS(spool.add(event_at("2026-11-28T10:52:29.123Z", "abc")), std::system_error);
}
