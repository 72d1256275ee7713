#include "version_report.h"

#include <curl/curl.h>
#include <sodium.h>

#include "build_info.h"

namespace pulse::cmd {
namespace {

std::string or_none(const char* text) { return text ? text : "none"; }

std::string joined(const char* const* names) {
  std::string out;
  for (; names && *names; ++names) out += (out.empty() ? "" : " ") + std::string(*names);
  return out;
}

}  // namespace

std::string version_report() {
  const curl_version_info_data* curl = curl_version_info(CURLVERSION_NOW);
  std::string report = "pharos-pulse " PULSE_VERSION "\n";
  report += "commit: " PULSE_COMMIT "\n";
  report += "build date: " PULSE_BUILD_DATE "\n";
  report += "libcurl: " + or_none(curl->version) + "\n";
  report += "TLS: " + or_none(curl->ssl_version) + "\n";
  report += "libsodium: " + std::string(sodium_version_string()) + "\n";
  report += "c-ares: " + or_none(curl->ares) + "\n";
  report += "zlib: " + or_none(curl->libz_version) + "\n";
  report += "features: " + joined(curl->feature_names) + "\n";
  report += "protocols: " + joined(curl->protocols) + "\n";
  const std::string sources = PULSE_DEPENDENCY_SOURCES;
  report += "built from: " + (sources.empty() ? "the system's libraries" : sources);
  return report;
}

}  // namespace pulse::cmd
