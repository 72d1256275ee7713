# Dependencies of the Windows build (see scripts/build-windows.sh).
#
# Defines the INTERFACE target pulse_deps: the static libcurl (Schannel) and
# libsodium cross-built into PULSE_WINDOWS_PREFIX, and the Windows system
# libraries they and pharos-pulse call; the header-only libraries come from
# cmake/HeaderOnlyDeps.cmake.

set(PULSE_WINDOWS_PREFIX "" CACHE PATH
  "Prefix of the static libcurl and libsodium built by scripts/build-windows.sh")
if(NOT EXISTS "${PULSE_WINDOWS_PREFIX}/lib/libcurl.a" OR NOT EXISTS "${PULSE_WINDOWS_PREFIX}/lib/libsodium.a")
  message(FATAL_ERROR "PULSE_WINDOWS_PREFIX='${PULSE_WINDOWS_PREFIX}' holds no lib/libcurl.a and "
    "lib/libsodium.a: run scripts/build-windows.sh [BUILD_DIR], which builds them into "
    "~/.cache/pharos-pulse/windows/prefix-RECIPE_ID and passes it here.")
endif()

include(cmake/HeaderOnlyDeps.cmake)

add_library(pulse_deps INTERFACE)
target_include_directories(pulse_deps INTERFACE "${PULSE_WINDOWS_PREFIX}/include")
target_compile_definitions(pulse_deps INTERFACE CURL_STATICLIB SODIUM_STATIC
  # Windows 8 APIs and wide-character (W) functions throughout.
  _WIN32_WINNT=0x0602 WINVER=0x0602 UNICODE _UNICODE WIN32_LEAN_AND_MEAN NOMINMAX
  # The POSIX calls MinGW's C runtime has under their POSIX names: gmtime_r,
  # access() that accepts X_OK, and O_CLOEXEC as the runtime's O_NOINHERIT.
  _POSIX_THREAD_SAFE_FUNCTIONS=200112L __USE_MINGW_ACCESS O_CLOEXEC=_O_NOINHERIT)
target_link_libraries(pulse_deps INTERFACE
  "${PULSE_WINDOWS_PREFIX}/lib/libcurl.a" "${PULSE_WINDOWS_PREFIX}/lib/libsodium.a"
  bcrypt advapi32 crypt32 ws2_32 secur32 iphlpapi ntdll shell32 ole32 uuid)
# One .exe that needs no MinGW runtime DLLs (libstdc++, libgcc, winpthread).
target_link_options(pulse_deps INTERFACE -static)
target_link_options(pulse_deps INTERFACE LINKER:--gc-sections)
