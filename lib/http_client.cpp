#include "http_client.h"

#include <curl/curl.h>
#ifndef _WIN32
#include <unistd.h>
#endif

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>
#include <system_error>

#include "curl_tls.h"
#include "failure.h"
#include "files.h"
#include "watched_transfer.h"

namespace pulse {
namespace {

// Servers answer with a short JSON object at most; anything longer is not
// read, so a hostile server cannot make the agent buffer it.
constexpr std::size_t kMaxResponseBody = 64 * 1024;

struct CurlDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

struct Exchange {
  std::string body;
  bool body_truncated = false;
  std::optional<std::string> retry_after;
  std::optional<std::string> date;  // the server's clock, to tell a skew
};

size_t on_body(char* data, size_t size, size_t count, void* context) {
  auto* exchange = static_cast<Exchange*>(context);
  const size_t length = size * count;
  if (exchange->body.size() + length > kMaxResponseBody) {
    exchange->body_truncated = true;
    return 0;  // stop reading: the status is all we need
  }
  exchange->body.append(data, length);
  return length;
}

// The value of `line` when it is the header `name` (lowercase, with ':').
std::optional<std::string> header_value(std::string_view line, std::string_view name) {
  if (line.size() <= name.size()) return std::nullopt;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(line[i])) != name[i]) return std::nullopt;
  }
  std::string_view value = line.substr(name.size());
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) value.remove_suffix(1);
  return std::string(value);
}

size_t on_header(char* data, size_t size, size_t count, void* context) {
  auto* exchange = static_cast<Exchange*>(context);
  const size_t length = size * count;
  const std::string_view line(data, length);
  // Each response (a 1xx, then the final one) starts with its status line:
  // only the final response's headers count.
  if (line.starts_with("HTTP/")) {
    exchange->retry_after.reset();
    exchange->date.reset();
    return length;
  }
  if (auto value = header_value(line, "retry-after:")) exchange->retry_after = std::move(value);
  if (auto value = header_value(line, "date:")) exchange->date = std::move(value);
  return length;
}

void ensure_curl_initialised() {
  static const CURLcode initialised = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (initialised != CURLE_OK) throw std::runtime_error("cannot initialise libcurl");
}

}  // namespace

TransportSettings TransportSettings::from(const Settings& settings) {
  return {settings.ca_file, settings.pinned_pubkey, settings.proxy, settings.timeout};
}

std::filesystem::path find_system_ca_bundle() {
#ifdef _WIN32
  // Schannel verifies against the Windows certificate store itself.
  return {};
#else
  ensure_curl_initialised();
  std::vector<std::filesystem::path> candidates;
  // libcurl 7.84+ reports the bundle it was built with.
  if (std::unique_ptr<CURL, CurlDeleter> curl{curl_easy_init()}) {
    char* built_in = nullptr;
    if (curl_easy_getinfo(curl.get(), CURLINFO_CAINFO, &built_in) == CURLE_OK && built_in) {
      candidates.emplace_back(built_in);
    }
  }
  for (const char* path : {
           "/etc/ssl/certs/ca-certificates.crt",                 // Debian, Ubuntu, Arch, Gentoo
           "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",  // RHEL, Fedora, CentOS
           "/etc/pki/tls/certs/ca-bundle.crt",                   // older RHEL
           "/etc/ssl/ca-bundle.pem",                             // openSUSE, SLES
           "/etc/ssl/cert.pem",                                  // Alpine, macOS, BSDs
       }) {
    candidates.emplace_back(path);
  }
  for (const auto& candidate : candidates) {
    if (::access(candidate.c_str(), R_OK) == 0) return candidate;
  }
  std::string looked;
  for (const auto& candidate : candidates) looked += (looked.empty() ? "" : ", ") + candidate.string();
  throw Failure(ExitCode::configuration,
                "no CA bundle found (looked in " + looked + "); set server.ca_file or --ca-file");
#endif
}

HttpClient::HttpClient(TransportSettings settings, WakeWatch wake_watch)
    : settings_(std::move(settings)), wake_watch_(std::move(wake_watch)) {
  ensure_curl_initialised();
  if (settings_.ca_file.empty()) return;
  const std::string named = "CA file '" + settings_.ca_file.string() + "'";
  std::optional<std::string> content;
  try {
    content = read_file_if_exists(settings_.ca_file);
  } catch (const std::system_error& error) {
    throw Failure(ExitCode::configuration,
                  "cannot read " + named + ": " + error.code().message());
  }
  if (!content) {
    throw Failure(ExitCode::configuration,
                  "cannot read " + named + ": " + std::strerror(ENOENT));
  }
  // Otherwise curl reports it per request, as if the server were untrusted,
  // and every event would be spooled against a file that can never work.
  if (content->find("-----BEGIN CERTIFICATE-----") == std::string::npos &&
      content->find("-----BEGIN TRUSTED CERTIFICATE-----") == std::string::npos) {
    throw Failure(ExitCode::configuration, named + " holds no PEM certificate");
  }
  ca_bundle_ = settings_.ca_file.string();
}

void HttpClient::end_all_by(SteadyClock::time_point deadline, std::string name) {
  deadline_ = Deadline{deadline, std::move(name)};
}

TimeLimit HttpClient::time_limit() const {
  TimeLimit own{settings_.timeout, format_duration(settings_.timeout) + " (server.timeout)"};
  if (!deadline_) return own;
  const auto left = std::chrono::duration_cast<Duration>(deadline_->at - SteadyClock::now());
  if (left >= own.timeout) return own;
  // At least a moment: to libcurl a zero time-out means none at all.
  return {std::max(left, Duration(1)), deadline_->name};
}

const std::string& HttpClient::tls_ca_bundle() const {
  if (ca_bundle_.empty()) ca_bundle_ = find_system_ca_bundle().string();
  return ca_bundle_;
}

Outcome HttpClient::post(const HttpRequest& request) const {
  if (request.url.starts_with("https:")) tls_ca_bundle();
  std::unique_ptr<CURL, CurlDeleter> curl{curl_easy_init()};
  if (!curl) throw std::bad_alloc();
  std::unique_ptr<curl_slist, CurlDeleter> headers;
  for (const auto& [name, value] : request.headers) {
    const std::string line = name + ": " + value;
    curl_slist* appended = curl_slist_append(headers.get(), line.c_str());
    if (appended == nullptr) throw std::bad_alloc();
    headers.release();
    headers.reset(appended);
  }
  // Keep curl from adding "Expect: 100-continue" and its own Accept.
  for (const char* suppressed : {"Expect:", "Accept:"}) {
    curl_slist* appended = curl_slist_append(headers.get(), suppressed);
    if (appended == nullptr) throw std::bad_alloc();
    headers.release();
    headers.reset(appended);
  }

  Exchange exchange;
  const TimeLimit limit = time_limit();
  char error_buffer[CURL_ERROR_SIZE] = "";

  CURL* handle = curl.get();
  curl_easy_setopt(handle, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "https,http");
  curl_easy_setopt(handle, CURLOPT_POST, 1L);
  curl_easy_setopt(handle, CURLOPT_POSTFIELDS, request.body.data());
  curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers.get());
  const std::optional<ProxyChoice> proxy = transport_proxy(request.url, settings_);
  apply_transport_settings(handle, settings_, ca_bundle_, limit.timeout, proxy);
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(handle, CURLOPT_WRITEDATA, &exchange);
  curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(handle, CURLOPT_HEADERDATA, &exchange);
  curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error_buffer);

  const CURLcode code = WatchedTransfer(handle).perform(wake_watch_);
  long status = 0;
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);

  if (code == CURLE_OK || (code == CURLE_WRITE_ERROR && exchange.body_truncated && status != 0)) {
    const Clock::time_point now = Clock::now();
    Outcome outcome =
        outcome_for_answer(status, std::move(exchange.body), exchange.retry_after, now);
    account_for_clock_skew(outcome, exchange.date, now);
    return outcome;
  }

  if (code == CURLE_ABORTED_BY_CALLBACK) {
    return unavailable_outcome("delivery to " + request.url + " interrupted");
  }
  std::string message = "cannot reach " + request.url + ": " +
                        (error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code));
  if (std::string hint = transport_failure_hint(handle, code, request.url, settings_, limit, proxy);
      !hint.empty()) {
    message += "; " + hint;
  }
  return unavailable_outcome(std::move(message));
}

}  // namespace pulse
