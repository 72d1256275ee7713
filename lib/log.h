// One line per message on stderr. Under systemd's journal (JOURNAL_STREAM
// names our stderr, sd-daemon(3)) lines carry <N> priority prefixes instead
// of timestamps.
#pragma once

#include <string_view>

namespace pulse::log {

enum class Level { error = 3, warning = 4, info = 6, debug = 7 };

struct Options {
  Level threshold = Level::info;
  bool timestamps = false;  // the daemon stamps its lines; one-shot commands do not
};

void configure(const Options& options);

void error(std::string_view message);
void warning(std::string_view message);
void info(std::string_view message);
void debug(std::string_view message);

}  // namespace pulse::log
