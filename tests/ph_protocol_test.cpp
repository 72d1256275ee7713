#include <catch2/catch.hpp>

#include "failure.h"
#include "ph_protocol.h"

using pulse::OutcomeKind;
using pulse::PhReply;
using pulse::PhReplyReader;
using pulse::StoredEvent;

namespace {

constexpr const char* kInventory =
    R"(,"inventory":{"os_name":"Debian GNU/Linux","os_version":"12",)"
    R"("cpu_brand":"Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz","cpu_cores":64,)"
    R"("mem_total_kb":263781204,"serial_number":"7XK9Q53","manufacturer":"Dell Inc.",)"
    R"("product_name":"PowerEdge R650","mac_addrs":["3c:ec:ef:01:02:03","3c:ec:ef:01:02:04"]})";

StoredEvent event_with(const std::string& hostname, const std::string& kind = "ONLINE",
                       const std::string& ips = R"(["192.0.2.7","2001:db8::1"])",
                       const std::string& inventory = kInventory) {
  StoredEvent event;
  event.id = "AAAAAAAAAAAAAAAAAAAAAA";
  event.timestamp = "2026-11-28T10:52:29.123Z";
  event.payload = R"({"event":")" + kind + R"(","identity":{"hw_uuid":"0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",)" +
                  R"("hostname":)" + hostname +
                  R"(,"ssh_pubkey_fingerprint":"SHA256:abc"},"metadata":{"os_family":"linux",)" +
                  R"j("os_version":"Debian GNU/Linux 12 (bookworm)","kernel_version":"6.1.0-13-amd64",)j" +
                  R"("platform":"kvm","local_ips":)" + ips + "}" + inventory +
                  R"(,"timestamp":"2026-11-28T10:52:29.123Z"})";
  return event;
}

pulse::ExitCode failure_code(const std::function<void()>& action, std::string* message) {
  try {
    action();
  } catch (const pulse::Failure& failure) {
    *message = failure.what();
    return failure.code();
  }
  return pulse::ExitCode::ok;
}

std::vector<PhReply> replies_of(const std::string& bytes) {
  PhReplyReader reader;
  reader.feed(bytes);
  std::vector<PhReply> replies;
  while (auto reply = reader.next()) replies.push_back(*reply);
  return replies;
}

}  // namespace

TEST_CASE("ph: values are quoted with backslash and quote escaped", "[ph]") {
  CHECK(pulse::ph_quote("f", "web-01") == R"("web-01")");
  CHECK(pulse::ph_quote("f", "") == R"("")");
  CHECK(pulse::ph_quote("f", R"(a "b" c\d)") == R"("a \"b\" c\\d")");
  CHECK(pulse::ph_quote("f", "\\\"") == R"("\\\"")");
  CHECK(pulse::ph_quote("f", "tab\there") == "\"tab\there\"");
}

TEST_CASE("ph: a value with CR or LF is a configuration error naming the field", "[ph]") {
  for (const char* value : {"web\n01", "web\r01", "\r\n"}) {
    std::string message;
    CHECK(failure_code([&] { pulse::ph_quote("hostname", value); }, &message) ==
          pulse::ExitCode::configuration);
    CHECK(message.find("'hostname'") != std::string::npos);
    CHECK(message.find("identity.hostname") != std::string::npos);
    CHECK(message.back() != '.');
  }
  std::string message;
  CHECK(failure_code([] { pulse::ph_add_command(event_with(R"("web\n01")")); }, &message) ==
        pulse::ExitCode::configuration);
  CHECK(failure_code([] { pulse::ph_id_command("web\n01"); }, &message) ==
        pulse::ExitCode::configuration);
}

TEST_CASE("ph: id names the node with the pulse- prefix, quoted", "[ph]") {
  CHECK(pulse::ph_id_command("web-01") == R"(id "pulse-web-01")");
  CHECK(pulse::ph_id_command(R"(we"b)") == R"(id "pulse-we\"b")");
}

TEST_CASE("ph: ONLINE carries the Rust agent's fields in its order, then ours", "[ph]") {
  CHECK(pulse::ph_add_command(event_with(R"("web-01")")) ==
        R"(add hostname="web-01" type="machine" status="online")"
        R"( uuid="0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0" os_name="Debian GNU/Linux")"
        R"( os_version="12" kernel_version="6.1.0-13-amd64")"
        R"j( cpu_brand="Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz" cpu_cores="64")j"
        R"( mem_total_kb="263781204" serial_number="7XK9Q53" manufacturer="Dell Inc.")"
        R"( product_name="PowerEdge R650" ip_addr="192.0.2.7" ip_addr="2001:db8::1")"
        R"( mac_addr="3c:ec:ef:01:02:03" mac_addr="3c:ec:ef:01:02:04")"
        R"( ssh_pubkey_fingerprint="SHA256:abc" os_family="linux" platform="kvm")"
        R"( pulse_event="ONLINE" pulse_timestamp="2026-11-28T10:52:29.123Z")");
}

TEST_CASE("ph: ONLINE leaves out what the inventory left out", "[ph]") {
  const char* expected =
      R"(add hostname="web-01" type="machine" status="online")"
      R"( uuid="0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0" kernel_version="6.1.0-13-amd64")"
      R"( ip_addr="192.0.2.7" ssh_pubkey_fingerprint="SHA256:abc" os_family="linux")"
      R"( platform="kvm" pulse_event="ONLINE" pulse_timestamp="2026-11-28T10:52:29.123Z")";
  CHECK(pulse::ph_add_command(event_with(R"("web-01")", "ONLINE", R"(["192.0.2.7"])",
                                         R"(,"inventory":{})")) == expected);
  // An ONLINE spooled by a version without inventory: its os_version was
  // PRETTY_NAME, which would spoil the console's "{os_name} {os_version}".
  CHECK(pulse::ph_add_command(event_with(R"("web-01")", "ONLINE", R"(["192.0.2.7"])", "")) ==
        expected);
}

TEST_CASE("ph: HEARTBEAT and OFFLINE carry the host, its status and the event only", "[ph]") {
  // The hub appends every ip_addr it is sent: addresses go once per boot.
  CHECK(pulse::ph_add_command(event_with(R"("web-01")", "HEARTBEAT")) ==
        R"(add hostname="web-01" type="machine" status="online")"
        R"( pulse_event="HEARTBEAT" pulse_timestamp="2026-11-28T10:52:29.123Z")");
  CHECK(pulse::ph_add_command(event_with(R"("web-01")", "OFFLINE", "[]", "")) ==
        R"(add hostname="web-01" type="machine" status="offline")"
        R"( pulse_event="OFFLINE" pulse_timestamp="2026-11-28T10:52:29.123Z")");
}

TEST_CASE("ph: status follows the event: offline only for OFFLINE", "[ph]") {
  using Catch::Matchers::Contains;
  CHECK_THAT(pulse::ph_add_command(event_with(R"("h")", "HEARTBEAT")),
             Contains(R"(status="online")") && Contains(R"(pulse_event="HEARTBEAT")"));
  CHECK_THAT(pulse::ph_add_command(event_with(R"("h")", "OFFLINE")),
             Contains(R"(status="offline")") && Contains(R"(pulse_event="OFFLINE")"));
}

TEST_CASE("ph: the add escapes a host name with quotes, backslashes and spaces", "[ph]") {
  const StoredEvent event = event_with(R"("we\"b \\01 x")");
  CHECK(pulse::ph_event_hostname(event) == R"(we"b \01 x)");
  CHECK(pulse::ph_add_command(event).starts_with(R"(add hostname="we\"b \\01 x" type="machine")"));
}

TEST_CASE("ph: addresses go without an interface zone, none when there are none", "[ph]") {
  using Catch::Matchers::Contains;
  const std::string add = pulse::ph_add_command(event_with(R"("h")", "ONLINE", R"(["fd00::1%eth0"])"));
  CHECK_THAT(add, Contains(R"(ip_addr="fd00::1" )"));
  CHECK(pulse::ph_add_command(event_with(R"("h")", "ONLINE", "[]")).find("ip_addr") ==
        std::string::npos);
}

TEST_CASE("ph: a payload without the fields an add needs is refused", "[ph]") {
  StoredEvent event = event_with(R"("h")");
  event.payload = R"({"event":"ONLINE","timestamp":"2026-11-28T10:52:29.123Z"})";
  CHECK_THROWS_AS(pulse::ph_add_command(event), pulse::DamagedEvent);
  CHECK_THROWS_AS(pulse::ph_event_hostname(event), pulse::DamagedEvent);
  event.payload = "not json";
  CHECK_THROWS_AS(pulse::ph_add_command(event), pulse::DamagedEvent);
}

TEST_CASE("ph: login sends a plain alias bare and anything else quoted", "[ph]") {
  CHECK(pulse::ph_login_command("web-01.example_net") == "login web-01.example_net");
  CHECK(pulse::ph_login_command("web 01") == R"(login "web 01")");
  CHECK(pulse::ph_login_command(R"(a"b)") == R"(login "a\"b")");
}

TEST_CASE("ph: auth quotes the .pub line and the signature", "[ph]") {
  CHECK(pulse::ph_auth_command("ssh-ed25519 AAAAC3 pharos-pulse@web-01", "c2ln+/==") ==
        R"(auth "ssh-ed25519 AAAAC3 pharos-pulse@web-01" "c2ln+/==")");
}

TEST_CASE("ph: only a hex challenge is signed", "[ph]") {
  CHECK(pulse::is_ph_challenge("0123456789abcdef0123456789ABCDEF"));
  CHECK_FALSE(pulse::is_ph_challenge(""));
  CHECK_FALSE(pulse::is_ph_challenge("0123456789abcde"));
  CHECK_FALSE(pulse::is_ph_challenge("\"@method\": POST 0123456789abcdef"));
  CHECK_FALSE(pulse::is_ph_challenge("0123456789abcdef0123456789abcdeg"));
}

TEST_CASE("ph: reply lines are CODE:text, data lines begin with '-'", "[ph]") {
  auto line = pulse::parse_ph_reply_line("200:Database ready");
  REQUIRE(line);
  CHECK(line->code == 200);
  CHECK(line->text == "Database ready");
  CHECK_FALSE(line->data);
  CHECK(line->is_final());

  line = pulse::parse_ph_reply_line("-200:1:  hostname: web-01");
  REQUIRE(line);
  CHECK(line->data);
  CHECK(line->code == 200);
  CHECK(line->text == "1:  hostname: web-01");
  CHECK_FALSE(line->is_final());

  line = pulse::parse_ph_reply_line("102:There were 2 matches");
  REQUIRE(line);
  CHECK_FALSE(line->is_final());

  line = pulse::parse_ph_reply_line("301:0123456789abcdef0123456789abcdef");
  REQUIRE(line);
  CHECK(line->is_final());
  CHECK(line->text == "0123456789abcdef0123456789abcdef");

  CHECK(pulse::parse_ph_reply_line("200:")->text.empty());
  for (const char* bad : {"", "Database ready", ":Ok", "2x0:Ok", "12345:Ok", "-:x", "200 Ok"}) {
    CHECK_FALSE(pulse::parse_ph_reply_line(bad));
  }
}

TEST_CASE("ph: the reader returns whole replies and skips what comes before the final line", "[ph]") {
  const auto replies = replies_of(
      "200:Database ready\r\n102:There was 1 match\n-200:1:hostname: web-01\n200:Ok.\n301:abc\n");
  REQUIRE(replies.size() == 3);
  CHECK(replies[0].code == 200);
  CHECK(replies[0].text == "Database ready");
  CHECK(replies[1].code == 200);
  CHECK(replies[1].text == "Ok.");
  CHECK(replies[2].code == 301);
}

TEST_CASE("ph: the reader waits for the rest of a split line", "[ph]") {
  PhReplyReader reader;
  reader.feed("20");
  CHECK_FALSE(reader.next());
  reader.feed("0:O");
  CHECK_FALSE(reader.next());
  reader.feed("k\r");
  CHECK_FALSE(reader.next());
  reader.feed("\n");
  auto reply = reader.next();
  REQUIRE(reply);
  CHECK(reply->code == 200);
  CHECK(reply->text == "Ok");
  CHECK_FALSE(reader.next());
}

TEST_CASE("ph: the reader refuses what is not Ph, and overlong lines or replies", "[ph]") {
  CHECK_THROWS_AS(replies_of("HTTP/1.1 400 Bad Request\r\n"), pulse::PhProtocolError);
  CHECK_THROWS_AS(replies_of(std::string(9000, '2')), pulse::PhProtocolError);
  CHECK_THROWS_AS(replies_of("200:" + std::string(9000, 'x') + "\n"), pulse::PhProtocolError);
  std::string many;
  for (int i = 0; i < 300; ++i) many += "-200:data\n";
  CHECK_THROWS_AS(replies_of(many), pulse::PhProtocolError);
}

TEST_CASE("ph: final codes map to the outcomes of contract section 11", "[ph]") {
  CHECK(pulse::ph_code_kind(200) == OutcomeKind::delivered);
  for (int code : {511, 516, 517}) CHECK(pulse::ph_code_kind(code) == OutcomeKind::refused);
  for (int code : {512, 598, 599, 500, 301}) CHECK(pulse::ph_code_kind(code) == OutcomeKind::protocol);
  // RFC 2378's temporary errors, and a challenge that expired before auth.
  for (int code : {400, 475, 506}) CHECK(pulse::ph_code_kind(code) == OutcomeKind::unavailable);
}

TEST_CASE("ph: a reply's outcome says the code, the hub's text and what to do", "[ph]") {
  using Catch::Matchers::Contains;
  auto outcome = pulse::ph_reply_outcome("add", {511, "Not authorized for this record"}, "web-01");
  CHECK(outcome.kind == OutcomeKind::refused);
  CHECK(outcome.status == 511);
  CHECK_THAT(outcome.message, Contains("hub answered 511 to add: Not authorized for this record") &&
                                  Contains("identity.hostname"));
  outcome = pulse::ph_reply_outcome("auth", {516, "Bad key\x1b[2J\xc2\x9b" "2J"}, "web-01");
  CHECK(outcome.kind == OutcomeKind::refused);
  CHECK_THAT(outcome.message,
             Contains("Bad key\\x1b[2J\\u009b2J") && Contains("web-01-admin_id_ed25519.pub"));
  outcome = pulse::ph_reply_outcome("add", {200, "Ok"}, "web-01");
  CHECK(outcome.kind == OutcomeKind::delivered);
  CHECK(outcome.status == 200);
}

TEST_CASE("ph: registration instructions name the .pub line and the hub's file name", "[ph]") {
  CHECK(pulse::ph_key_file_name("web-01") == "web-01-admin_id_ed25519.pub");
  CHECK(pulse::ph_registration_instructions("ssh-ed25519 AAAA pharos-pulse@web-01", "web-01") ==
        "save this line as 'web-01-admin_id_ed25519.pub' in pharos-server's keys directory:\n"
        "ssh-ed25519 AAAA pharos-pulse@web-01\n"
        "then reload pharos-server\n");
}
