#include "platform/windows_error.h"

#include <windows.h>

namespace pulse::windows {

std::system_error last_error(const std::string& what) { return error(GetLastError(), what); }

std::system_error error(unsigned long code, const std::string& what) {
  return std::system_error(static_cast<int>(code), std::system_category(), what);
}

std::string last_error_message() {
  return std::system_category().message(static_cast<int>(GetLastError()));
}

}  // namespace pulse::windows
