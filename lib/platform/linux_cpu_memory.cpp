#include <algorithm>
#include <charconv>
#include <iterator>

#include "platform/linux.h"

namespace pulse {
namespace {

constexpr unsigned kArmImplementer = 0x41;

struct ArmCore {
  unsigned part;
  const char* name;
};

// Arm Ltd's cores found in boards and servers (the Linux kernel's
// arch/arm64/include/asm/cputype.h and Arm's technical reference manuals).
constexpr ArmCore kArmCores[] = {
    {0xb76, "ARM1176"},       {0xc07, "Cortex-A7"},        {0xc08, "Cortex-A8"},
    {0xc09, "Cortex-A9"},     {0xc0d, "Cortex-A12"},       {0xc0e, "Cortex-A17"},
    {0xc0f, "Cortex-A15"},    {0xd01, "Cortex-A32"},       {0xd03, "Cortex-A53"},
    {0xd04, "Cortex-A35"},    {0xd05, "Cortex-A55"},       {0xd07, "Cortex-A57"},
    {0xd08, "Cortex-A72"},    {0xd09, "Cortex-A73"},       {0xd0a, "Cortex-A75"},
    {0xd0b, "Cortex-A76"},    {0xd0c, "Neoverse-N1"},      {0xd0d, "Cortex-A77"},
    {0xd0e, "Cortex-A76AE"},  {0xd40, "Neoverse-V1"},      {0xd41, "Cortex-A78"},
    {0xd44, "Cortex-X1"},     {0xd46, "Cortex-A510"},      {0xd47, "Cortex-A710"},
    {0xd48, "Cortex-X2"},     {0xd49, "Neoverse-N2"},      {0xd4a, "Neoverse-E1"},
    {0xd4b, "Cortex-A78C"},   {0xd4d, "Cortex-A715"},      {0xd4e, "Cortex-X3"},
    {0xd4f, "Neoverse-V2"},   {0xd80, "Cortex-A520"},      {0xd81, "Cortex-A720"},
    {0xd82, "Cortex-X4"},
};

std::string_view trimmed(std::string_view text) {
  const std::size_t begin = text.find_first_not_of(" \t\r");
  if (begin == std::string_view::npos) return {};
  return text.substr(begin, text.find_last_not_of(" \t\r") + 1 - begin);
}

// The value of the first "name<blanks>: value" line, as /proc/cpuinfo and
// /proc/meminfo write them.
std::optional<std::string_view> field_value(std::string_view text, std::string_view name) {
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    const std::size_t colon = line.find(':');
    if (colon != std::string_view::npos && trimmed(line.substr(0, colon)) == name) {
      return trimmed(line.substr(colon + 1));
    }
  }
  return std::nullopt;
}

template <typename Number>
std::optional<Number> parse_number(std::string_view text, int base = 10) {
  Number value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// "0x41" as /proc/cpuinfo writes the ids.
std::optional<unsigned> parse_hex_id(std::optional<std::string_view> text) {
  if (!text || !text->starts_with("0x")) return std::nullopt;
  return parse_number<unsigned>(text->substr(2), 16);
}

}  // namespace

std::optional<std::string> arm_core_name(unsigned implementer, unsigned part) {
  if (implementer != kArmImplementer) return std::nullopt;
  const auto* found = std::find_if(std::begin(kArmCores), std::end(kArmCores),
                                   [part](const ArmCore& core) { return core.part == part; });
  if (found == std::end(kArmCores)) return std::nullopt;
  return found->name;
}

std::optional<std::string> cpu_brand_from_cpuinfo(std::string_view cpuinfo) {
  if (auto model = field_value(cpuinfo, "model name"); model && !model->empty()) {
    return std::string(*model);
  }
  const std::optional<unsigned> implementer = parse_hex_id(field_value(cpuinfo, "CPU implementer"));
  const std::optional<unsigned> part = parse_hex_id(field_value(cpuinfo, "CPU part"));
  if (!implementer || !part) return std::nullopt;
  return arm_core_name(*implementer, *part);
}

std::optional<std::uint64_t> mem_total_kb_from_meminfo(std::string_view meminfo) {
  std::optional<std::string_view> value = field_value(meminfo, "MemTotal");
  if (!value || !value->ends_with("kB")) return std::nullopt;
  return parse_number<std::uint64_t>(trimmed(value->substr(0, value->size() - 2)));
}

std::optional<std::uint64_t> count_cpu_list(std::string_view list) {
  list = trimmed(list.substr(0, list.find('\n')));
  if (list.empty()) return std::nullopt;
  std::uint64_t count = 0;
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    const std::string_view range = list.substr(0, comma);
    list.remove_prefix(comma == std::string_view::npos ? list.size() : comma + 1);
    const std::size_t dash = range.find('-');
    const auto first = parse_number<std::uint64_t>(range.substr(0, dash));
    const auto last = dash == std::string_view::npos
                          ? first
                          : parse_number<std::uint64_t>(range.substr(dash + 1));
    if (!first || !last || *last < *first) return std::nullopt;
    count += *last - *first + 1;
  }
  return count;
}

}  // namespace pulse
