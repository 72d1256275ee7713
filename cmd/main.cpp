// pharos-pulse: tells a Pharos server that this node exists and is up.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <vector>

#include "commands.h"
#include "failure.h"
#include "version_report.h"

namespace {

using pulse::ExitCode;

int finish(ExitCode code) {
  // A full disk or closed pipe on stdout is an error, not silence.
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    std::fputs("pharos-pulse: error: cannot write to standard output\n", stderr);
    return static_cast<int>(code == ExitCode::ok ? ExitCode::internal : code);
  }
  return static_cast<int>(code);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"pharos-pulse: signed presence (ONLINE, HEARTBEAT, OFFLINE) for a Pharos server",
               "pharos-pulse"};
  app.require_subcommand(1);
  app.fallthrough();  // global options may follow the subcommand

  pulse::cmd::GlobalOptions globals;
  pulse::cmd::register_global_options(app, globals);
  // After --verbose, so that its value is known when --version is handled.
  app.set_version_flag(
      "--version",
      [&globals] {
        return globals.verbose > 0 ? pulse::cmd::version_report()
                                   : std::string("pharos-pulse " PULSE_VERSION);
      },
      "Print the version and exit; with --verbose, the build and its libraries");

  const std::vector<pulse::cmd::Subcommand> subcommands{
      pulse::cmd::register_keygen(app, globals),
      pulse::cmd::register_inspect(app, globals),
      pulse::cmd::register_send(app, globals),
      pulse::cmd::register_run(app, globals),
      pulse::cmd::register_enroll(app, globals),
      pulse::cmd::register_status(app, globals),
#if defined(_WIN32) || defined(__APPLE__)
      pulse::cmd::register_service(app, globals),
#endif
  };

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == 0) return finish(static_cast<ExitCode>(app.exit(error)));
    std::fprintf(stderr, "pharos-pulse: error: %s (see 'pharos-pulse --help')\n", error.what());
    return finish(ExitCode::usage);
  }

  try {
    for (const auto& subcommand : subcommands) {
      if (subcommand.app->parsed()) return finish(subcommand.run());
    }
    return finish(ExitCode::usage);
  } catch (const std::exception& error) {
    return finish(pulse::exit_code_for(error));
  }
}
