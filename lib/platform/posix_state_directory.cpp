#include "state_directory.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <system_error>

#include "failure.h"

namespace pulse {

std::optional<std::string> untrusted_directory(const std::filesystem::path& dir,
                                               std::string_view what) {
  struct stat status {};
  if (::lstat(dir.c_str(), &status) != 0) {
    if (errno == ENOENT) return std::nullopt;
    return std::string(what) + " '" + dir.string() + "': " + std::generic_category().message(errno);
  }
  const std::string named = std::string(what) + " '" + dir.string() + "'";
  const std::string fix = "; run 'chown root: " + dir.string() + " && chmod 755 " + dir.string() +
                          "' or choose another with --state-dir";
  if (S_ISLNK(status.st_mode)) {
    return named + " is a symbolic link; name the directory it points to with --state-dir "
                   "(or state.dir), after checking who may write there";
  }
  // Something else in its place fails the write that follows, as it should.
  if (!S_ISDIR(status.st_mode)) return std::nullopt;
  if (status.st_uid != 0 && status.st_uid != ::geteuid()) {
    return named + " belongs to uid " + std::to_string(status.st_uid) +
           ", neither root nor this user" + fix;
  }
  if ((status.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(status.st_mode & 07777));
    return named + " is writable by " +
           ((status.st_mode & S_IWOTH) != 0 ? "others" : "its group") + " (mode " + mode + ")" +
           fix;
  }
  return std::nullopt;
}

void check_trusted_directory(const std::filesystem::path& dir, std::string_view what) {
  if (auto reason = untrusted_directory(dir, what)) {
    throw Failure(ExitCode::configuration, *reason);
  }
}

}  // namespace pulse
