#include <curl/curl.h>
#include <unistd.h>

#include <memory>
#include <vector>

#include "failure.h"
#include "transport.h"

namespace pulse {

std::filesystem::path find_system_ca_bundle() {
  ensure_curl_initialised();
  std::vector<std::filesystem::path> candidates;
  // libcurl 7.84+ reports the bundle it was built with.
  if (std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl{curl_easy_init(),
                                                               &curl_easy_cleanup}) {
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
}

}  // namespace pulse
