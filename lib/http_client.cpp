#include "http_client.h"

#include <curl/curl.h>

#include <cctype>
#include <memory>
#include <optional>

#include "curl_tls.h"
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

// What libcurl hands over of the server's answer while it reads it.
struct AnswerReceived {
  std::string body;
  bool body_truncated = false;
  std::optional<std::string> retry_after;
  std::optional<std::string> date;  // the server's clock, to tell a skew
};

size_t on_body(char* data, size_t size, size_t count, void* context) {
  auto* answer = static_cast<AnswerReceived*>(context);
  const size_t length = size * count;
  if (answer->body.size() + length > kMaxResponseBody) {
    answer->body_truncated = true;
    return 0;  // stop reading: the status is all we need
  }
  answer->body.append(data, length);
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
  auto* answer = static_cast<AnswerReceived*>(context);
  const size_t length = size * count;
  const std::string_view line(data, length);
  // Each response (a 1xx, then the final one) starts with its status line:
  // only the final response's headers count.
  if (line.starts_with("HTTP/")) {
    answer->retry_after.reset();
    answer->date.reset();
    return length;
  }
  if (auto value = header_value(line, "retry-after:")) answer->retry_after = std::move(value);
  if (auto value = header_value(line, "date:")) answer->date = std::move(value);
  return length;
}

}  // namespace

Outcome HttpClient::post(const HttpRequest& request) const {
  // Plain http:// (loopback only) checks no certificate: no bundle to find.
  const std::string ca_bundle = request.url.starts_with("https:")
                                    ? transport_.ca_bundle()
                                    : transport_.settings().ca_file.string();
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

  AnswerReceived answer;
  const TimeLimit limit = transport_.time_limit();
  char error_buffer[CURL_ERROR_SIZE] = "";

  CURL* handle = curl.get();
  curl_easy_setopt(handle, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "https,http");
  curl_easy_setopt(handle, CURLOPT_POST, 1L);
  curl_easy_setopt(handle, CURLOPT_POSTFIELDS, request.body.data());
  curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers.get());
  const std::optional<ProxyChoice> proxy = transport_proxy(request.url, transport_.settings());
  apply_transport_settings(handle, transport_.settings(), ca_bundle, limit.timeout, proxy);
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(handle, CURLOPT_WRITEDATA, &answer);
  curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(handle, CURLOPT_HEADERDATA, &answer);
  curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error_buffer);

  const CURLcode code = WatchedTransfer(handle).perform(transport_.wake_watch());
  long status = 0;
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);

  if (code == CURLE_OK || (code == CURLE_WRITE_ERROR && answer.body_truncated && status != 0)) {
    const Clock::time_point now = Clock::now();
    Outcome outcome =
        outcome_for_answer(status, std::move(answer.body), answer.retry_after, now);
    account_for_clock_skew(outcome, answer.date, now);
    return outcome;
  }

  if (code == CURLE_ABORTED_BY_CALLBACK) {
    return unavailable_outcome("delivery to " + request.url + " interrupted");
  }
  std::string message = "cannot reach " + request.url + ": " +
                        (error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code));
  if (std::string hint = transport_failure_hint(handle, code, request.url, transport_.settings(), limit, proxy);
      !hint.empty()) {
    message += "; " + hint;
  }
  return unavailable_outcome(std::move(message));
}

}  // namespace pulse
