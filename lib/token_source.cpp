#include "token_source.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "failure.h"
#include "files.h"
#include "log.h"
#include "secret.h"

namespace pulse {
namespace {

// Tokens are short opaque strings; a longer first line is not one, and the
// bound lets the read buffer be sized once (a reallocation would leave an
// unwiped copy behind).
constexpr std::size_t kMaxTokenBytes = 4096;

constexpr std::string_view kWhiteSpace = " \t\r\n\f\v";

std::string_view trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(kWhiteSpace);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kWhiteSpace) - first + 1);
}

Token checked_token(std::string_view text, const std::string& origin) {
  std::string_view token = trimmed(text);
  if (token.empty()) {
    throw Failure(ExitCode::usage, "the enrollment token from " + origin + " is empty");
  }
  return Token(token);
}

// The first line of `fd`, trimmed. Reading stops at the first newline; what
// the last read brought in past it is wiped with the buffer.
Token first_line_of(int fd, const std::string& origin) {
  Wiped<std::string> buffer(std::string(kMaxTokenBytes, '\0'));
  std::size_t length = 0;
  for (;;) {
    if (length == buffer->size()) {
      throw Failure(ExitCode::usage, "the first line of " + origin + " is longer than " +
                                         std::to_string(kMaxTokenBytes) +
                                         " bytes; it is not an enrollment token");
    }
    const ssize_t got = ::read(fd, buffer->data() + length, buffer->size() - length);
    if (got < 0) {
      if (errno == EINTR) continue;
      throw Failure(ExitCode::configuration, "cannot read " + origin + ": " + std::strerror(errno));
    }
    if (got == 0) break;
    const std::string_view fresh(buffer->data() + length, static_cast<std::size_t>(got));
    if (const auto newline = fresh.find('\n'); newline != std::string_view::npos) {
      length += newline;
      break;
    }
    length += static_cast<std::size_t>(got);
  }
  return checked_token(std::string_view(buffer->data(), length), origin);
}

Token token_from_file(const std::filesystem::path& file) {
  const std::string origin = "'" + file.string() + "'";
  const int fd = open_for_reading(file);
  if (fd < 0) {
    throw Failure(ExitCode::configuration,
                  "cannot read token file " + origin + ": " + std::strerror(errno));
  }
  try {
    Token token = first_line_of(fd, origin);
    ::close(fd);
    return token;
  } catch (...) {
    ::close(fd);
    throw;
  }
}

}  // namespace

Token read_token(const TokenSources& sources) {
  if (sources.file) return token_from_file(*sources.file);
  if (sources.argument == "-") return first_line_of(sources.standard_input, "standard input");
  if (sources.argument) {
    log::warning(
        "--token VALUE shows the token to every user in the process list; use --token-file "
        "FILE, PHAROS_ENROLL_TOKEN or --token - (standard input) instead");
    return checked_token(*sources.argument, "--token");
  }
  if (sources.environment) return checked_token(*sources.environment, "PHAROS_ENROLL_TOKEN");
  throw Failure(ExitCode::usage,
                "no enrollment token: use --token-file FILE, PHAROS_ENROLL_TOKEN or --token - "
                "(standard input), or --preprovisioned");
}

}  // namespace pulse
