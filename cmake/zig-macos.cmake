# Cross-compiling for macOS with Zig (see scripts/build-macos.sh): one
# architecture per build tree, joined into a universal binary afterwards.
#
#   PULSE_ZIG         the zig executable
#   PULSE_MACOS_ARCH  aarch64 or x86_64
#   PULSE_MACOS_MIN   the oldest macOS the binary runs on, e.g. 11.0
#
# Zig brings the macOS SDK's headers and libSystem's stubs, and links its own
# libc++ statically, so the binary needs nothing but libSystem. The target
# triple carries the minimum version; CMAKE_OSX_* stay empty so that CMake
# adds no -arch, -isysroot or -mmacosx-version-min of its own.
foreach(_var IN ITEMS PULSE_ZIG PULSE_MACOS_ARCH PULSE_MACOS_MIN)
  if(NOT ${_var})
    message(FATAL_ERROR "cmake/zig-macos.cmake needs -D${_var}=...: run scripts/build-macos.sh")
  endif()
endforeach()
# try_compile projects read this file again and need the same values.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES PULSE_ZIG PULSE_MACOS_ARCH PULSE_MACOS_MIN)

set(CMAKE_SYSTEM_NAME Darwin)
if(PULSE_MACOS_ARCH STREQUAL "aarch64")
  set(CMAKE_SYSTEM_PROCESSOR arm64)
else()
  set(CMAKE_SYSTEM_PROCESSOR ${PULSE_MACOS_ARCH})
endif()

set(_pulse_target ${PULSE_MACOS_ARCH}-macos.${PULSE_MACOS_MIN})
set(CMAKE_C_COMPILER "${PULSE_ZIG}" cc -target ${_pulse_target})
set(CMAKE_CXX_COMPILER "${PULSE_ZIG}" c++ -target ${_pulse_target})
# Archives with a symbol table Zig's Mach-O linker reads.
set(CMAKE_AR llvm-ar-14 CACHE FILEPATH "")
set(CMAKE_RANLIB llvm-ranlib-14 CACHE FILEPATH "")
set(CMAKE_USER_MAKE_RULES_OVERRIDE "${CMAKE_CURRENT_LIST_DIR}/zig-macos-rules.cmake")
set(CMAKE_OSX_SYSROOT "" CACHE PATH "")
set(CMAKE_OSX_DEPLOYMENT_TARGET "" CACHE STRING "")
set(CMAKE_OSX_ARCHITECTURES "" CACHE STRING "")

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
