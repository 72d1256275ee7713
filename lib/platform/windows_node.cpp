#include <windows.h>

#include <algorithm>
#include <cctype>
#include <string_view>

#include "failure.h"
#include "platform/windows.h"
#include "platform/windows_text.h"

// In ntdll, which MinGW's headers leave out.
extern "C" NTSYSAPI LONG NTAPI RtlGetVersion(PRTL_OSVERSIONINFOW version);

namespace pulse::windows {
namespace {

constexpr const wchar_t* kCurrentVersionKey = L"SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion";
constexpr const wchar_t* kCryptographyKey = L"SOFTWARE\\Microsoft\\Cryptography";
constexpr const wchar_t* kProcessorKey = L"HARDWARE\\DESCRIPTION\\System\\CentralProcessor\\0";
// Windows 11 kept major version 10; its builds start here.
constexpr DWORD kFirstWindows11Build = 22000;

OSVERSIONINFOEXW os_version_info() {
  OSVERSIONINFOEXW info{};
  info.dwOSVersionInfoSize = sizeof info;
  RtlGetVersion(reinterpret_cast<PRTL_OSVERSIONINFOW>(&info));
  return info;
}

std::string product_name(const OSVERSIONINFOEXW& info) {
  const DWORD major = info.dwMajorVersion, minor = info.dwMinorVersion, build = info.dwBuildNumber;
  if (info.wProductType == VER_NT_WORKSTATION) {
    if (major == 10) return build >= kFirstWindows11Build ? "Windows 11" : "Windows 10";
    if (major == 6 && minor == 3) return "Windows 8.1";
    if (major == 6 && minor == 2) return "Windows 8";
    if (major == 6 && minor == 1) return "Windows 7";
  } else {
    if (major == 10 && build >= 26100) return "Windows Server 2025";
    if (major == 10 && build >= 20348) return "Windows Server 2022";
    if (major == 10 && build >= 17763) return "Windows Server 2019";
    if (major == 10) return "Windows Server 2016";
    if (major == 6 && minor == 3) return "Windows Server 2012 R2";
    if (major == 6 && minor == 2) return "Windows Server 2012";
  }
  return "Windows NT " + std::to_string(major) + "." + std::to_string(minor);
}

std::optional<DWORD> registry_dword(const wchar_t* key, const wchar_t* name) {
  DWORD value = 0, size = sizeof value;
  if (RegGetValueW(HKEY_LOCAL_MACHINE, key, name, RRF_RT_REG_DWORD, nullptr, &value, &size) !=
      ERROR_SUCCESS) {
    return std::nullopt;
  }
  return value;
}

std::optional<std::wstring> registry_string(const wchar_t* key, const wchar_t* name) {
  DWORD size = 0;
  if (RegGetValueW(HKEY_LOCAL_MACHINE, key, name, RRF_RT_REG_SZ, nullptr, nullptr, &size) !=
      ERROR_SUCCESS) {
    return std::nullopt;
  }
  std::wstring value(size / sizeof(wchar_t), L'\0');
  if (RegGetValueW(HKEY_LOCAL_MACHINE, key, name, RRF_RT_REG_SZ, nullptr, value.data(), &size) !=
      ERROR_SUCCESS) {
    return std::nullopt;
  }
  value.resize(value.find(L'\0'));
  return value;
}

bool is_canonical_uuid(const std::string& text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !std::isxdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  return true;
}

}  // namespace

std::string read_hostname() {
  DWORD size = 0;
  GetComputerNameExW(ComputerNameDnsHostname, nullptr, &size);
  std::wstring name(size, L'\0');
  if (!GetComputerNameExW(ComputerNameDnsHostname, name.data(), &size)) return "unknown";
  name.resize(size);
  return narrow(name);
}

std::string read_os_version() {
  const OSVERSIONINFOEXW info = os_version_info();
  return product_name(info) + " (build " + std::to_string(info.dwBuildNumber) + ")";
}

std::string read_product_version() {
  const OSVERSIONINFOEXW info = os_version_info();
  std::string product = product_name(info);
  constexpr std::string_view prefix = "Windows ";
  if (product.starts_with(prefix)) product.erase(0, prefix.size());
  return product + " (" + std::to_string(info.dwBuildNumber) + ")";
}

std::optional<std::string> read_processor_name() {
  std::optional<std::wstring> name = registry_string(kProcessorKey, L"ProcessorNameString");
  if (!name) return std::nullopt;
  return narrow(*name);
}

std::string read_kernel_version() {
  const OSVERSIONINFOEXW info = os_version_info();
  std::string version = std::to_string(info.dwMajorVersion) + "." +
                        std::to_string(info.dwMinorVersion) + "." +
                        std::to_string(info.dwBuildNumber);
  if (auto revision = registry_dword(kCurrentVersionKey, L"UBR")) {
    version += "." + std::to_string(*revision);
  }
  return version;
}

MachineUuid read_machine_uuid(const std::optional<SmbiosSystem>& system) {
  if (system && system->uuid) return {*system->uuid, "smbios"};
  if (auto guid = registry_string(kCryptographyKey, L"MachineGuid")) {
    std::string uuid = narrow(*guid);
    std::transform(uuid.begin(), uuid.end(), uuid.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (is_canonical_uuid(uuid)) {
      return {uuid, "HKLM\\SOFTWARE\\Microsoft\\Cryptography\\MachineGuid"};
    }
  }
  throw Failure(ExitCode::configuration,
                "no hardware uuid: the firmware's SMBIOS table has none and the registry holds "
                "no MachineGuid");
}

}  // namespace pulse::windows
