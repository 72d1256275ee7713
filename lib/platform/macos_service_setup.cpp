#include "platform/macos_service_setup.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "failure.h"
#include "files.h"
#include "platform/launchd_plist.h"

extern char** environ;

namespace pulse::macos {
namespace {

constexpr const char* kLaunchctl = "/bin/launchctl";

std::string quoted_command(const std::vector<std::string>& arguments) {
  std::string text = kLaunchctl;
  for (const std::string& argument : arguments) text += " " + argument;
  return "'" + text + "'";
}

}  // namespace

void install_launch_daemon(const std::vector<std::string>& arguments) {
  const std::filesystem::path path(kLaunchdPlistPath);
  // launchd refuses a job file that others may write. Made by root, the file
  // is root's, and takes its group, wheel, from /Library/LaunchDaemons.
  bool created = false;
  try {
    created = create_file_atomically(path, launchd_plist(arguments), 0644);
  } catch (const std::system_error& error) {
    throw Failure(ExitCode::cant_create, std::string(error.what()) + " (run as root)");
  }
  if (!created) {
    throw Failure(ExitCode::cant_create, "cannot install the launch daemon: '" + path.string() +
                                             "' exists; run 'pharos-pulse service uninstall' "
                                             "first");
  }
}

bool uninstall_launch_daemon() {
  const std::filesystem::path path(kLaunchdPlistPath);
  std::error_code error;
  const bool removed = std::filesystem::remove(path, error);
  if (error) {
    throw Failure(ExitCode::cant_create,
                  describe_file_error(path, error) + " (run as root to remove it)");
  }
  return removed;
}

void run_launchctl(const std::vector<std::string>& arguments) {
  std::vector<char*> argv{const_cast<char*>(kLaunchctl)};
  for (const std::string& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
  argv.push_back(nullptr);
  pid_t child = 0;
  const int spawned = ::posix_spawn(&child, kLaunchctl, nullptr, nullptr, argv.data(), environ);
  if (spawned != 0) {
    throw Failure(ExitCode::internal, "cannot run " + quoted_command(arguments) + ": " +
                                          std::strerror(spawned));
  }
  int status = 0;
  while (::waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) {
      throw Failure(ExitCode::internal,
                    "cannot wait for " + quoted_command(arguments) + ": " + std::strerror(errno));
    }
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw Failure(ExitCode::internal, quoted_command(arguments) + " failed (its message is above)");
  }
}

}  // namespace pulse::macos
