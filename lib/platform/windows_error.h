// Win32 failures as exceptions, in the std::system_error form the rest of
// the agent catches.
#pragma once

#include <string>
#include <system_error>

namespace pulse::windows {

// GetLastError() (or `code`) with `what` in front of the system's message.
std::system_error last_error(const std::string& what);
std::system_error error(unsigned long code, const std::string& what);
// The system's message for GetLastError().
std::string last_error_message();

}  // namespace pulse::windows
