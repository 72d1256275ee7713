#include "transport.h"

#include <curl/curl.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>

#include "failure.h"
#include "files.h"

namespace pulse {

TransportSettings TransportSettings::from(const Settings& settings) {
  return {settings.ca_file, settings.pinned_pubkey, settings.proxy, settings.timeout};
}

void ensure_curl_initialised() {
  static const CURLcode initialised = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (initialised != CURLE_OK) throw std::runtime_error("cannot initialise libcurl");
}

TransportContext::TransportContext(TransportSettings settings, WakeWatch wake_watch)
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

const std::string& TransportContext::ca_bundle() const {
  if (ca_bundle_.empty()) ca_bundle_ = find_system_ca_bundle().string();
  return ca_bundle_;
}

TimeLimit TransportContext::time_limit() const {
  TimeLimit own{settings_.timeout, format_duration(settings_.timeout) + " (server.timeout)"};
  if (!deadline_) return own;
  const auto left = std::chrono::duration_cast<Duration>(deadline_->at - SteadyClock::now());
  if (left >= own.timeout) return own;
  // At least a moment: to libcurl a zero time-out means none at all.
  return {std::max(left, Duration(1)), deadline_->name};
}

void TransportContext::end_all_by(SteadyClock::time_point deadline, std::string name) {
  deadline_ = Deadline{deadline, std::move(name)};
}

}  // namespace pulse
