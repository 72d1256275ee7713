// Errors that end a command: each carries the contract's exit code (§5),
// and exit_code_for turns whatever ended a command into one.
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

// The server answered, but with something unusable; the message says what
// the answer held ("a heartbeat_interval that is not a duration").
class BadAnswer : public Failure {
 public:
  explicit BadAnswer(const std::string& message) : Failure(ExitCode::protocol, message) {}
};

// An event that cannot be sent as it is: its payload lacks a field the
// channel needs (a spool file damaged after it was written). Retrying cannot
// mend it.
class DamagedEvent : public Failure {
 public:
  explicit DamagedEvent(const std::string& message) : Failure(ExitCode::protocol, message) {}
};

// Logs the error that ended a command and returns the exit code it means: a
// Failure's own, internal (1) for any other, whose message is then no more
// than a clue for a bug report.
ExitCode exit_code_for(const std::exception& error);

}  // namespace pulse
