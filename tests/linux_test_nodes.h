// Fixture nodes under tests/data/metadata for the Linux collectors' tests.
#pragma once

#include <cerrno>
#include <filesystem>
#include <string>
#include <system_error>

#include "platform/linux.h"

namespace pulse::metadata_test {

inline std::filesystem::path fixture(const std::string& name) {
  return std::filesystem::path(PULSE_TEST_DATA) / "metadata" / name;
}

inline LinuxNode fixture_node(const std::string& name) { return node_below(fixture(name)); }

// Makes `denied` fail with EACCES, as for a non-root agent, which file modes
// cannot model while the tests run as root.
inline LinuxNode denying(LinuxNode node, const std::filesystem::path& denied) {
  auto check = [denied](const std::filesystem::path& path) {
    if (path == denied) {
      throw std::system_error(EACCES, std::generic_category(),
                              "cannot open '" + path.string() + "'");
    }
  };
  node.read_file = [inner = node.read_file, check](const std::filesystem::path& path) {
    check(path);
    return inner(path);
  };
  node.read_file_start = [inner = node.read_file_start, check](const std::filesystem::path& path,
                                                               std::size_t limit) {
    check(path);
    return inner(path, limit);
  };
  return node;
}

}  // namespace pulse::metadata_test
