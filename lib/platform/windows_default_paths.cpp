#include <windows.h>

#include <knownfolders.h>
#include <shlobj.h>

#include "default_paths.h"
#include "platform/windows_error.h"

namespace pulse {
namespace {

// %ProgramData%\Pharos, asked of the shell rather than the environment, which
// a service or a scheduled task may not have.
std::filesystem::path pharos_data_dir() {
  static const std::filesystem::path dir = [] {
    wchar_t* program_data = nullptr;
    const HRESULT result = SHGetKnownFolderPath(FOLDERID_ProgramData, 0, nullptr, &program_data);
    if (FAILED(result)) {
      CoTaskMemFree(program_data);
      throw windows::error(static_cast<unsigned long>(result), "cannot find %ProgramData%");
    }
    std::filesystem::path path(program_data);
    CoTaskMemFree(program_data);
    return path / "Pharos";
  }();
  return dir;
}

}  // namespace

std::filesystem::path default_config_file() { return pharos_data_dir() / "pulse.toml"; }
std::filesystem::path default_key_file() { return pharos_data_dir() / "pulse_id"; }
std::filesystem::path default_state_dir() { return pharos_data_dir() / "state"; }

}  // namespace pulse
