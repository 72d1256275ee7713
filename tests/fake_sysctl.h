// A Sysctl that answers from maps, for the macOS mappings' tests.
#pragma once

#include <map>

#include "platform/sysctl.h"

struct FakeSysctl : pulse::Sysctl {
  std::map<std::string, std::string> texts;
  std::map<std::string, std::uint64_t> numbers;

  std::optional<std::string> text(const std::string& name) const override {
    auto found = texts.find(name);
    if (found == texts.end()) return std::nullopt;
    return found->second;
  }
  std::optional<std::uint64_t> number(const std::string& name) const override {
    auto found = numbers.find(name);
    if (found == numbers.end()) return std::nullopt;
    return found->second;
  }
};
