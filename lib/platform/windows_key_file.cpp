#include <windows.h>

#include <aclapi.h>
#include <dpapi.h>
#include <sddl.h>

#include <system_error>

#include "files.h"
#include "key_file.h"
#include "openssh_key.h"
#include "platform/windows_error.h"
#include "platform/windows_text.h"

namespace pulse {
namespace {

constexpr std::string_view kOpenSshHeader = "-----BEGIN OPENSSH PRIVATE KEY-----";
// Far above a sealed Ed25519 key (under 1 KiB): a wrong path must not pull a
// large file into memory.
constexpr std::size_t kMaxKeyFileSize = 64 * 1024;

// DPAPI's output, wiped and freed with it.
class SealedBlob {
 public:
  SealedBlob() = default;
  SealedBlob(const SealedBlob&) = delete;
  SealedBlob& operator=(const SealedBlob&) = delete;
  ~SealedBlob() {
    if (blob.pbData == nullptr) return;
    SecureZeroMemory(blob.pbData, blob.cbData);
    LocalFree(blob.pbData);
  }
  std::string_view view() const {
    return {reinterpret_cast<const char*>(blob.pbData), blob.cbData};
  }
  DATA_BLOB blob{};
};

DATA_BLOB blob_of(std::string_view data) {
  return {static_cast<DWORD>(data.size()), reinterpret_cast<BYTE*>(const_cast<char*>(data.data()))};
}

void seal(std::string_view text, SealedBlob& sealed) {
  DATA_BLOB plain = blob_of(text);
  if (!CryptProtectData(&plain, L"pharos-pulse identity key", nullptr, nullptr, nullptr,
                        CRYPTPROTECT_LOCAL_MACHINE | CRYPTPROTECT_UI_FORBIDDEN, &sealed.blob)) {
    throw windows::last_error("cannot seal the key with DPAPI");
  }
}

// Rights that let an account read the file (or change its ACL to do so).
constexpr ACCESS_MASK kReadingRights = FILE_READ_DATA | GENERIC_READ | GENERIC_ALL | READ_CONTROL |
                                       WRITE_DAC | WRITE_OWNER | MAXIMUM_ALLOWED;

bool is_trusted(PSID sid, PSID owner) {
  for (WELL_KNOWN_SID_TYPE trusted :
       {WinLocalSystemSid, WinBuiltinAdministratorsSid, WinCreatorOwnerRightsSid}) {
    if (IsWellKnownSid(sid, trusted)) return true;
  }
  return owner != nullptr && EqualSid(sid, owner);
}

std::string account_name(PSID sid) {
  wchar_t name[256], domain[256];
  DWORD name_size = std::size(name), domain_size = std::size(domain);
  SID_NAME_USE use;
  if (LookupAccountSidW(nullptr, sid, name, &name_size, domain, &domain_size, &use)) {
    return domain_size > 0 ? windows::narrow(domain) + "\\" + windows::narrow(name)
                           : windows::narrow(name);
  }
  wchar_t* text = nullptr;
  if (!ConvertSidToStringSidW(sid, &text)) return "another account";
  std::string result = windows::narrow(text);
  LocalFree(text);
  return result;
}

// The first account besides SYSTEM, the Administrators and the owner that
// the file's ACL lets read it, as the mode check does on POSIX systems: a
// sealed key is only as safe as its file, since any local account may unseal
// it.
std::optional<std::string> other_reader(const std::filesystem::path& key_file) {
  PSID owner = nullptr;
  PACL dacl = nullptr;
  PSECURITY_DESCRIPTOR descriptor = nullptr;
  const DWORD result = GetNamedSecurityInfoW(key_file.c_str(), SE_FILE_OBJECT,
                                             OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION,
                                             &owner, nullptr, &dacl, nullptr, &descriptor);
  if (result != ERROR_SUCCESS) {
    throw unreadable_key(key_file,
                         "cannot read its ACL: " + windows::error(result, "").code().message());
  }
  std::optional<std::string> reader;
  if (dacl == nullptr) reader = "everyone (the file has no ACL)";
  for (DWORD i = 0; !reader && i < dacl->AceCount; ++i) {
    void* entry = nullptr;
    if (!GetAce(dacl, i, &entry)) continue;
    const auto* header = static_cast<const ACE_HEADER*>(entry);
    if (header->AceType != ACCESS_ALLOWED_ACE_TYPE || (header->AceFlags & INHERIT_ONLY_ACE) != 0) {
      continue;
    }
    const auto* allowed = static_cast<const ACCESS_ALLOWED_ACE*>(entry);
    PSID sid = const_cast<DWORD*>(&allowed->SidStart);
    if ((allowed->Mask & kReadingRights) != 0 && !is_trusted(sid, owner)) {
      reader = account_name(sid);
    }
  }
  LocalFree(descriptor);
  return reader;
}

}  // namespace

// The file holds the key sealed by CryptProtectData for this machine; a plain
// OpenSSH key (ssh-keygen's) is taken as it is, protected only by its ACL.
void read_key_file(const std::filesystem::path& key_file, std::string& text) {
  std::optional<std::string> content;
  try {
    content = read_file_if_exists(key_file);
  } catch (const std::system_error& error) {
    throw unreadable_key(key_file, error.code().message());
  }
  if (!content) {
    throw Failure(ExitCode::configuration, "no identity key at '" + key_file.string() +
                                               "'; create one with 'pharos-pulse keygen'");
  }
  if (is_public_key_text(*content)) {
    throw unreadable_key(key_file, std::string(kPublicKeyRefusal));
  }
  if (auto reader = other_reader(key_file)) {
    throw Failure(ExitCode::configuration,
                  "identity key '" + key_file.string() + "' is readable by " + *reader +
                      "; allow only SYSTEM and the Administrators (icacls \"" + key_file.string() +
                      "\" /inheritance:r /grant:r SYSTEM:F Administrators:F)");
  }
  if (content->size() > kMaxKeyFileSize) {
    throw unreadable_key(key_file, "the file is too large for a key");
  }
  if (content->starts_with(kOpenSshHeader)) {
    text.resize(content->size());
    text.replace(0, text.size(), *content);
    SecureZeroMemory(content->data(), content->size());
    return;
  }
  DATA_BLOB sealed = blob_of(*content);
  SealedBlob opened;
  if (!CryptUnprotectData(&sealed, nullptr, nullptr, nullptr, nullptr, CRYPTPROTECT_UI_FORBIDDEN,
                          &opened.blob)) {
    throw unreadable_key(key_file, "not a key sealed for this machine (DPAPI): " +
                                       windows::last_error("CryptUnprotectData").code().message() +
                                       "; make a new one with 'pharos-pulse keygen --force'");
  }
  text.resize(opened.blob.cbData);
  text.replace(0, text.size(), reinterpret_cast<const char*>(opened.blob.pbData),
               opened.blob.cbData);
}

// Machine scope: the service runs as SYSTEM, `keygen` as an administrator,
// and both must open the key. The ACL (SYSTEM, Administrators, the owner)
// keeps other users from the sealed file, which any local account could
// unseal.
void write_key_file(const std::filesystem::path& key_file, std::string_view text) {
  SealedBlob sealed;
  seal(text, sealed);
  write_file_atomically(key_file, sealed.view(), 0600);
}

bool create_key_file(const std::filesystem::path& key_file, std::string_view text) {
  SealedBlob sealed;
  seal(text, sealed);
  return create_file_atomically(key_file, sealed.view(), 0600);
}

}  // namespace pulse
