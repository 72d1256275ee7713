#include <windows.h>
#include <dpapi.h>

#include <system_error>

#include "files.h"
#include "key_file.h"
#include "platform/windows_error.h"

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
  DATA_BLOB blob{};
};

DATA_BLOB blob_of(std::string_view data) {
  return {static_cast<DWORD>(data.size()),
          reinterpret_cast<BYTE*>(const_cast<char*>(data.data()))};
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
  text.replace(0, text.size(), reinterpret_cast<const char*>(opened.blob.pbData), opened.blob.cbData);
}

// Machine scope: the service runs as SYSTEM, `keygen` as an administrator,
// and both must open the key. The ACL (SYSTEM, Administrators, the owner)
// keeps other users from the sealed file, which any local account could
// unseal.
void write_key_file(const std::filesystem::path& key_file, std::string_view text) {
  DATA_BLOB plain = blob_of(text);
  SealedBlob sealed;
  if (!CryptProtectData(&plain, L"pharos-pulse identity key", nullptr, nullptr, nullptr,
                        CRYPTPROTECT_LOCAL_MACHINE | CRYPTPROTECT_UI_FORBIDDEN, &sealed.blob)) {
    throw windows::last_error("cannot seal the key with DPAPI");
  }
  write_file_atomically(
      key_file,
      std::string_view(reinterpret_cast<const char*>(sealed.blob.pbData), sealed.blob.cbData), 0600);
}

}  // namespace pulse
