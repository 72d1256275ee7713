// A spool file's name and content, as Spool::read hands them over: the input
// is the name, a newline, then the content. An event read back must name
// itself by the same file name and keep its payload byte for byte.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "spool.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t newline = input.find('\n');
  if (newline == std::string_view::npos) return 0;
  const std::string name(input.substr(0, newline));
  const std::string content(input.substr(newline + 1));
  if (const auto event = pulse::parse_spool_file(name, content)) {
    if (pulse::spool_file_name(*event) != name || event->payload != content) std::abort();
  }
  return 0;
}
