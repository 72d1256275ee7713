// Errors that end a command: each carries the contract's exit code (§5).
#pragma once

#include <stdexcept>
#include <string>

namespace pulse {

enum class ExitCode : int {
  ok = 0,
  internal = 1,
  usage = 2,
  unavailable = 69,    // EX_UNAVAILABLE: the server could not be reached
  cant_create = 73,    // EX_CANTCREAT: a file exists and --force was not given
  temp_fail = 75,      // EX_TEMPFAIL: another instance holds the lock
  protocol = 76,       // EX_PROTOCOL: the server answered something unusable
  refused = 77,        // EX_NOPERM: the server refused us
  configuration = 78,  // EX_CONFIG: bad config, key, URL or CA file
};

// Thrown for failures that the user can act on; the message is one line in
// git's style: lowercase, no full stop, what failed first.
class Failure : public std::runtime_error {
 public:
  Failure(ExitCode code, const std::string& message)
      : std::runtime_error(message), code_(code) {}
  ExitCode code() const { return code_; }

 private:
  ExitCode code_;
};

}  // namespace pulse
