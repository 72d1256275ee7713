#include "failure.h"

#include "log.h"

namespace pulse {

ExitCode exit_code_for(const std::exception& error) {
  if (const auto* failure = dynamic_cast<const Failure*>(&error)) {
    log::error(failure->what());
    return failure->code();
  }
  log::error(std::string("internal error: ") + error.what());
  return ExitCode::internal;
}

}  // namespace pulse
