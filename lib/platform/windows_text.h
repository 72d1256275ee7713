// UTF-16 (what Windows' W functions speak) to and from UTF-8 (what the agent
// keeps in std::string).
#pragma once

#include <string>
#include <string_view>

namespace pulse::windows {

std::string narrow(std::wstring_view text);
std::wstring widen(std::string_view text);

// One argument of a command line, quoted as CommandLineToArgvW reads it back:
// backslashes are literal unless they precede a quote.
std::wstring quote_argument(std::wstring_view argument);

}  // namespace pulse::windows
