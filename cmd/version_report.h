// What `pharos-pulse --version --verbose` prints.
#pragma once

#include <string>

namespace pulse::cmd {

// The version, the commit and date of the build, and each library as the
// running binary sees it (TLS library, c-ares and zlib as libcurl reports
// them), libcurl's features and protocols, and the Debian source packages a
// static build was made from. One "name: value" per line, no newline
// after the last.
std::string version_report();

}  // namespace pulse::cmd
