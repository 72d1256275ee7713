// UTF-16 (what Windows' W functions speak) to and from UTF-8 (what the agent
// keeps in std::string).
#pragma once

#include <string>
#include <string_view>

namespace pulse::windows {

std::string narrow(std::wstring_view text);
std::wstring widen(std::string_view text);

}  // namespace pulse::windows
