#include "proxy.h"

#include <catch2/catch.hpp>

#include <map>
#include <string>

namespace {

pulse::Environment environment(std::map<std::string, std::string> values) {
  return [values](std::string_view name) -> std::optional<std::string> {
    auto found = values.find(std::string(name));
    if (found == values.end()) return std::nullopt;
    return found->second;
  };
}

std::string chosen(std::string_view url, const std::string& configured,
                   std::map<std::string, std::string> env) {
  auto proxy = pulse::choose_proxy(url, configured, environment(std::move(env)));
  return proxy ? proxy->url + " (" + proxy->source + ")" : "direct";
}

constexpr const char* kHub = "https://hub.example.net:8443/v1/presence";

}  // namespace

TEST_CASE("proxy: server.proxy replaces the environment, NO_PROXY included", "[proxy]") {
  CHECK(chosen(kHub, "http://squid:3128", {}) == "http://squid:3128 (server.proxy)");
  CHECK(chosen(kHub, "http://squid:3128",
               {{"HTTPS_PROXY", "http://other:8080"}, {"NO_PROXY", "hub.example.net,*"}}) ==
        "http://squid:3128 (server.proxy)");
}

TEST_CASE("proxy: the environment, honouring NO_PROXY", "[proxy]") {
  CHECK(chosen(kHub, "", {}) == "direct");
  CHECK(chosen(kHub, "", {{"HTTPS_PROXY", "http://p:1"}}) == "http://p:1 (HTTPS_PROXY)");
  CHECK(chosen(kHub, "", {{"https_proxy", "http://low:1"}, {"HTTPS_PROXY", "http://up:1"}}) ==
        "http://low:1 (https_proxy)");
  CHECK(chosen(kHub, "", {{"ALL_PROXY", "socks5://s:1080"}}) == "socks5://s:1080 (ALL_PROXY)");
  // http_proxy is for http:// urls, which never go through a proxy here.
  CHECK(chosen(kHub, "", {{"http_proxy", "http://p:1"}}) == "direct");
  for (const char* list : {"hub.example.net", "example.net", ".example.net", "a, EXAMPLE.net ,b",
                           "*"}) {
    INFO(list);
    CHECK(chosen(kHub, "", {{"HTTPS_PROXY", "http://p:1"}, {"NO_PROXY", list}}) == "direct");
    CHECK(chosen(kHub, "", {{"HTTPS_PROXY", "http://p:1"}, {"no_proxy", list}}) == "direct");
  }
  for (const char* list : {"ample.net", "hub.example.net.evil", "other.example", ""}) {
    INFO(list);
    CHECK(chosen(kHub, "", {{"HTTPS_PROXY", "http://p:1"}, {"NO_PROXY", list}}) ==
          "http://p:1 (HTTPS_PROXY)");
  }
  CHECK(chosen("https://[2001:db8::1]:8443/v1/presence", "",
               {{"HTTPS_PROXY", "http://p:1"}, {"NO_PROXY", "[2001:db8::1]"}}) == "direct");
  // ph:// connects like https://: the same decision.
  CHECK(chosen("ph://hub.example.net", "", {{"HTTPS_PROXY", "http://p:1"}}) ==
        "http://p:1 (HTTPS_PROXY)");
}

TEST_CASE("proxy: a loopback http:// url never goes through one", "[proxy]") {
  // The enrollment token went to the proxy in clear text (issue 14).
  for (const char* url : {"http://127.0.0.1:9/v1/enroll", "http://localhost:8080/v1/presence",
                          "http://[::1]:9/v1/enroll"}) {
    INFO(url);
    CHECK(chosen(url, "http://squid:3128",
                 {{"http_proxy", "http://p:1"}, {"HTTPS_PROXY", "http://p:1"}}) == "direct");
  }
}

TEST_CASE("proxy: the password is shown as ***", "[proxy]") {
  using pulse::redacted_proxy_url;
  CHECK(redacted_proxy_url("http://user:s3cret@host:3128") == "http://user:***@host:3128");
  CHECK(redacted_proxy_url("http://user:p@ss:w@rd@host:3128/") == "http://user:***@host:3128/");
  CHECK(redacted_proxy_url("user:s3cret@host:3128") == "user:***@host:3128");
  CHECK(redacted_proxy_url("http://user@host:3128") == "http://user@host:3128");
  CHECK(redacted_proxy_url("http://host:3128") == "http://host:3128");
  CHECK(redacted_proxy_url("http://host:3128/a@b") == "http://host:3128/a@b");
  CHECK(pulse::describe_proxy({"http://u:pw@h:1", "HTTPS_PROXY"}) ==
        "http://u:***@h:1 (HTTPS_PROXY)");
}
