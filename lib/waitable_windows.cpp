#include <windows.h>

#include <system_error>
#include <vector>

#include "waitable.h"

namespace pulse {

void wait_for_any(std::initializer_list<Waitable> waitables) {
  const std::vector<HANDLE> handles(waitables);
  if (WaitForMultipleObjects(static_cast<DWORD>(handles.size()), handles.data(), FALSE, INFINITE) ==
      WAIT_FAILED) {
    throw std::system_error(static_cast<int>(GetLastError()), std::system_category(),
                            "WaitForMultipleObjects");
  }
}

}  // namespace pulse
