// The Windows counterpart of a file mode without group and other bits: a
// protected ACL that grants access to SYSTEM, the Administrators and the
// file's owner only, and nothing inherited from the parent directory.
#pragma once

#include <sys/types.h>

#include <memory>

namespace pulse::windows {

// A SECURITY_ATTRIBUTES for CreateFileW and CreateDirectoryW: private for a
// `mode` that gives group and others nothing, else null (the parent's
// inheritable ACL applies). Throws std::system_error.
class SecurityAttributes {
 public:
  explicit SecurityAttributes(mode_t mode);
  SecurityAttributes(const SecurityAttributes&) = delete;
  SecurityAttributes& operator=(const SecurityAttributes&) = delete;
  ~SecurityAttributes();

  // SECURITY_ATTRIBUTES*, or null for the inherited ACL.
  void* get();

 private:
  struct Attributes;
  std::unique_ptr<Attributes> attributes_;
};

}  // namespace pulse::windows
