#include "platform/windows_security.h"

#include <windows.h>

#include <sddl.h>

#include "platform/windows_error.h"

namespace pulse::windows {

// P: protected (no inherited entries); full access for SYSTEM (SY), the
// Administrators (BA) and the owner (OW); containers pass it on to what they
// hold (OICI).
constexpr const wchar_t* kPrivateAcl = L"D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;FA;;;OW)";

struct SecurityAttributes::Attributes {
  SECURITY_ATTRIBUTES attributes{};
  PSECURITY_DESCRIPTOR descriptor = nullptr;
};

SecurityAttributes::SecurityAttributes(mode_t mode) {
  if ((mode & 077) != 0) return;
  auto attributes = std::make_unique<Attributes>();
  if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(kPrivateAcl, SDDL_REVISION_1,
                                                            &attributes->descriptor, nullptr)) {
    throw last_error("cannot build a private ACL");
  }
  attributes->attributes.nLength = sizeof attributes->attributes;
  attributes->attributes.lpSecurityDescriptor = attributes->descriptor;
  attributes_ = std::move(attributes);
}

SecurityAttributes::~SecurityAttributes() {
  if (attributes_) LocalFree(attributes_->descriptor);
}

void* SecurityAttributes::get() { return attributes_ ? &attributes_->attributes : nullptr; }

}  // namespace pulse::windows
