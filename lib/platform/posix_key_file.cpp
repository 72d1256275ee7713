#include "key_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <system_error>

#include "files.h"
#include "openssh_key.h"

namespace pulse {
namespace {

// Far above an Ed25519 key file (about 400 bytes): a wrong path must not pull
// a large file into memory.
constexpr off_t max_key_file_size = 64 * 1024;

struct Closer {
  int fd;
  ~Closer() { ::close(fd); }
};

}  // namespace

// Reads through one descriptor, so the mode check and the read see the same
// file. The text is read first, to tell a public key from a private one.
void read_key_file(const std::filesystem::path& key_file, std::string& text) {
  const std::string name = key_file.string();
  // O_NONBLOCK: a FIFO at the key path must not hang the open.
  const int fd = ::open(key_file.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0 && errno == ENOENT) {
    throw Failure(ExitCode::configuration,
                  "no identity key at '" + name + "'; create one with 'pharos-pulse keygen'");
  }
  if (fd < 0) throw unreadable_key(key_file, std::generic_category().message(errno));
  const Closer closer{fd};

  struct stat status {};
  if (::fstat(fd, &status) != 0)
    throw unreadable_key(key_file, std::generic_category().message(errno));
  if (!S_ISREG(status.st_mode)) throw unreadable_key(key_file, "not a regular file");
  if (status.st_size > max_key_file_size)
    throw unreadable_key(key_file, "the file is too large for a key");

  text.resize(static_cast<std::size_t>(status.st_size));
  std::size_t filled = 0;
  while (filled < text.size()) {
    const ssize_t got = ::read(fd, text.data() + filled, text.size() - filled);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) throw unreadable_key(key_file, std::generic_category().message(errno));
    if (got == 0) break;
    filled += static_cast<std::size_t>(got);
  }
  text.resize(filled);
  // A .pub given as the key is readable by all, as it should be: say what
  // it is rather than advise a chmod.
  if (is_public_key_text(text)) throw unreadable_key(key_file, std::string(kPublicKeyRefusal));
  if ((status.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(status.st_mode & 07777));
    throw Failure(ExitCode::configuration, "identity key '" + name +
                                               "' is readable by others (mode " + mode +
                                               "); run 'chmod 600 " + name + "'");
  }
}

void write_key_file(const std::filesystem::path& key_file, std::string_view text) {
  write_file_atomically(key_file, text, 0600);
}

bool create_key_file(const std::filesystem::path& key_file, std::string_view text) {
  return create_file_atomically(key_file, text, 0600);
}

}  // namespace pulse
