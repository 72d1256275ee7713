#include <windows.h>

#include "platform/windows.h"

namespace pulse::windows {

std::optional<SmbiosSystem> read_smbios_system() {
  constexpr DWORD kRawSmbios = 0x52534d42;  // 'RSMB'
  const UINT size = GetSystemFirmwareTable(kRawSmbios, 0, nullptr, 0);
  if (size == 0) return std::nullopt;
  std::string raw(size, '\0');
  if (GetSystemFirmwareTable(kRawSmbios, 0, raw.data(), size) != size) return std::nullopt;
  return parse_smbios_system(raw);
}

}  // namespace pulse::windows
