#include "server_url.h"

#include <catch2/catch.hpp>

#include <string>

#include "failure.h"

using Catch::Matchers::Contains;

namespace {

// The message of the configuration failure parse_server_url throws.
std::string refusal(const std::string& url) {
  INFO(url);
  try {
    pulse::parse_server_url(url);
  } catch (const pulse::Failure& failure) {
    CHECK(failure.code() == pulse::ExitCode::configuration);
    return failure.what();
  }
  FAIL("accepted " << url);
  return "";
}

}  // namespace

TEST_CASE("server_url: https with port and path prefix", "[server_url]") {
  const pulse::ServerUrl url = pulse::parse_server_url("https://hub.example:8443/pharos");
  CHECK(url.scheme == pulse::Scheme::https);
  CHECK(url.origin == "https://hub.example:8443");
  CHECK(url.host == "hub.example");
  CHECK(url.port == 8443);
  CHECK(url.path_prefix == "/pharos");
  CHECK(url.url_of("/v1/presence") == "https://hub.example:8443/pharos/v1/presence");
  CHECK(url.path_of("/v1/enroll") == "/pharos/v1/enroll");
}

TEST_CASE("server_url: defaults and trailing slashes", "[server_url]") {
  for (const char* text : {"https://hub.example", "https://hub.example/", "https://hub.example//"}) {
    INFO(text);
    const pulse::ServerUrl url = pulse::parse_server_url(text);
    CHECK(url.port == 443);
    CHECK(url.path_prefix.empty());
    CHECK(url.url_of("/v1/presence") == "https://hub.example/v1/presence");
    CHECK(url.path_of("/v1/presence") == "/v1/presence");
  }
  CHECK(pulse::parse_server_url("https://hub.example/a/b/").path_prefix == "/a/b");
  CHECK(pulse::parse_server_url("http://127.0.0.1").port == 80);
  const pulse::ServerUrl ph = pulse::parse_server_url("ph://hub.example");
  CHECK(ph.scheme == pulse::Scheme::ph);
  CHECK(ph.port == 2378);
  CHECK(pulse::parse_server_url("ph://hub.example:1105").port == 1105);
}

TEST_CASE("server_url: IPv6 literal", "[server_url]") {
  const pulse::ServerUrl url = pulse::parse_server_url("https://[2001:db8::1]:8443/p");
  CHECK(url.host == "2001:db8::1");
  CHECK(url.origin == "https://[2001:db8::1]:8443");
  CHECK(url.url_of("/v1/presence") == "https://[2001:db8::1]:8443/p/v1/presence");
}

TEST_CASE("server_url: http only to loopback", "[server_url]") {
  for (const char* text : {"http://127.0.0.1:8080", "http://127.8.9.10", "http://localhost:1",
                           "http://[::1]:8080/x"}) {
    INFO(text);
    CHECK(pulse::parse_server_url(text).scheme == pulse::Scheme::http);
  }
  for (const char* text : {"http://hub.example", "http://10.0.0.1", "http://128.0.0.1",
                           "http://[2001:db8::1]", "http://localhost.example.net"}) {
    CHECK_THAT(refusal(text), Contains("only allowed to a loopback host"));
  }
}

TEST_CASE("server_url: loopback hosts", "[server_url]") {
  CHECK(pulse::is_loopback_host("127.0.0.1"));
  CHECK(pulse::is_loopback_host("127.255.255.254"));
  CHECK(pulse::is_loopback_host("::1"));
  CHECK(pulse::is_loopback_host("localhost"));
  CHECK_FALSE(pulse::is_loopback_host("126.0.0.1"));
  CHECK_FALSE(pulse::is_loopback_host("0.0.0.0"));
  CHECK_FALSE(pulse::is_loopback_host("::"));
  CHECK_FALSE(pulse::is_loopback_host("127.example.net"));
  CHECK_FALSE(pulse::is_loopback_host(""));
}

TEST_CASE("server_url: only a whole dotted-quad IPv4 address counts as one", "[server_url]") {
  CHECK(pulse::is_loopback_host("127.0.0.0"));
  CHECK_FALSE(pulse::is_loopback_host("127.1"));
  CHECK_FALSE(pulse::is_loopback_host("127.0.0.1."));
  CHECK_FALSE(pulse::is_loopback_host("127.0.0.256"));
  CHECK_FALSE(pulse::is_loopback_host("127.0.0.01"));
  CHECK_FALSE(pulse::is_loopback_host("0127.0.0.1"));
  CHECK_FALSE(pulse::is_loopback_host("127.0.0.1000"));
  CHECK_FALSE(pulse::is_loopback_host("127..0.1"));
}

TEST_CASE("server_url: refused urls say why", "[server_url]") {
  CHECK_THAT(refusal(""), Contains("no server url"));
  CHECK_THAT(refusal("https://hub example"), Contains("not a valid URL"));
  CHECK_THAT(refusal("https://"), Contains("bad server url 'https://'"));
  CHECK_THAT(refusal("ftp://hub.example"), Contains("scheme 'ftp' is not supported"));
  CHECK_THAT(refusal("https://user:secret@hub.example"), Contains("credentials"));
  CHECK_THAT(refusal("https://hub.example/?x=1"), Contains("query"));
  CHECK_THAT(refusal("https://hub.example/#top"), Contains("fragment"));
  CHECK_THAT(refusal("https://hub.example:99999"), Contains("bad server url"));
  CHECK_THAT(refusal("ph://hub.example/path"), Contains("no path"));
}

TEST_CASE("server_url: the RFC 9421 authority", "[server_url]") {
  CHECK(pulse::parse_server_url("https://hub.example:8443/pharos").authority == "hub.example:8443");
  CHECK(pulse::parse_server_url("https://Hub.EXAMPLE").authority == "hub.example");
  // The scheme's default port is left out, as in the Host header curl sends.
  CHECK(pulse::parse_server_url("https://hub.example:443/").authority == "hub.example");
  CHECK(pulse::parse_server_url("http://127.0.0.1:80").authority == "127.0.0.1");
  CHECK(pulse::parse_server_url("http://127.0.0.1:443").authority == "127.0.0.1:443");
  CHECK(pulse::parse_server_url("https://[2001:DB8::1]:8443").authority == "[2001:db8::1]:8443");
}

TEST_CASE("server_url: without a scheme, name the setting and suggest ph://", "[server_url]") {
  // The Rust agent's PHAROS_SERVER format (issue 14).
  try {
    pulse::parse_server_url("hub:2378", "PHAROS_SERVER");
    FAIL("accepted hub:2378");
  } catch (const pulse::Failure& failure) {
    CHECK(failure.code() == pulse::ExitCode::configuration);
    CHECK_THAT(failure.what(), Contains("PHAROS_SERVER") && Contains("no scheme") &&
                                   Contains("ph://hub:2378"));
  }
  CHECK_THAT(refusal("hub.example"), Contains("(server.url)") && Contains("https://hub.example"));
}

TEST_CASE("server_url: where a request url leads", "[server_url]") {
  const auto target = pulse::url_target("HTTPS://Hub.Example/pharos/v1/presence");
  REQUIRE(target);
  CHECK(target->scheme == "https");
  CHECK(target->host == "hub.example");
  CHECK(target->port == 443);
  CHECK(pulse::url_target("http://[::1]:8080/")->host == "::1");
  CHECK(pulse::url_target("http://[::1]:8080/")->port == 8080);
  CHECK(pulse::url_target("ph://hub")->scheme == "ph");
  CHECK_FALSE(pulse::url_target("not a url"));
}
