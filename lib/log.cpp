#include "log.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "event.h"

namespace pulse::log {
namespace {

Options current;
bool to_journal = false;

bool stderr_is_journal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (stream == nullptr) return false;
  unsigned long long device = 0, inode = 0;
  if (std::sscanf(stream, "%llu:%llu", &device, &inode) != 2) return false;
  struct stat status {};
  if (::fstat(STDERR_FILENO, &status) != 0) return false;
  // dev_t is signed on macOS.
  return static_cast<unsigned long long>(status.st_dev) == device && status.st_ino == inode;
}

std::string_view label(Level level) {
  switch (level) {
    case Level::error: return "error: ";
    case Level::warning: return "warning: ";
    case Level::info:
    case Level::debug: return "";
  }
  return "";
}

void write(Level level, std::string_view message) {
  if (static_cast<int>(level) > static_cast<int>(current.threshold)) return;
  std::string line;
  if (to_journal) {
    line = "<" + std::to_string(static_cast<int>(level)) + ">";
  } else if (current.timestamps) {
    line = format_timestamp(Clock::now()) + " ";
  }
  line += "pharos-pulse: ";
  line += label(level);
  line += message;
  line += '\n';
  // One write per line so lines from concurrent processes do not interleave.
  [[maybe_unused]] ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace

void configure(const Options& options) {
  current = options;
  to_journal = stderr_is_journal();
}

void error(std::string_view message) { write(Level::error, message); }
void warning(std::string_view message) { write(Level::warning, message); }
void info(std::string_view message) { write(Level::info, message); }
void debug(std::string_view message) { write(Level::debug, message); }

}  // namespace pulse::log
