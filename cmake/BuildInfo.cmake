# Writes OUTPUT, the header behind `pharos-pulse --version --verbose`: the
# commit the build came from and its date (UTC; SOURCE_DATE_EPOCH when set,
# for reproducible builds). Run at every build by the pulse_build_info target;
# the header only changes, and recompiles its one user, when they do.
#   cmake -DSOURCE_DIR=... -DOUTPUT=... -P cmake/BuildInfo.cmake
set(PULSE_COMMIT unknown)
find_package(Git QUIET)
if(GIT_FOUND AND EXISTS "${SOURCE_DIR}/.git")
  execute_process(COMMAND "${GIT_EXECUTABLE}" -C "${SOURCE_DIR}" rev-parse --short=12 HEAD
    OUTPUT_VARIABLE PULSE_COMMIT OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  execute_process(COMMAND "${GIT_EXECUTABLE}" -C "${SOURCE_DIR}" diff --quiet HEAD --
    RESULT_VARIABLE dirty OUTPUT_QUIET ERROR_QUIET)
  if(dirty)
    string(APPEND PULSE_COMMIT "-dirty")
  endif()
endif()
string(TIMESTAMP PULSE_BUILD_DATE "%Y-%m-%d" UTC)
file(CONFIGURE OUTPUT "${OUTPUT}" CONTENT [[
#pragma once
#define PULSE_COMMIT "@PULSE_COMMIT@"
#define PULSE_BUILD_DATE "@PULSE_BUILD_DATE@"
]] @ONLY)
