# Dependencies of the macOS build (see scripts/build-macos.sh).
#
# Defines the INTERFACE target pulse_deps: the static libcurl, wolfSSL and
# libsodium cross-built for one architecture into PULSE_MACOS_PREFIX; the
# header-only libraries come from cmake/HeaderOnlyDeps.cmake. Everything
# else pharos-pulse calls is in libSystem.

set(PULSE_MACOS_PREFIX "" CACHE PATH
  "Prefix of the static libcurl, wolfSSL and libsodium built by scripts/build-macos.sh")
foreach(_lib IN ITEMS curl wolfssl sodium)
  if(NOT EXISTS "${PULSE_MACOS_PREFIX}/lib/lib${_lib}.a")
    message(FATAL_ERROR "PULSE_MACOS_PREFIX='${PULSE_MACOS_PREFIX}' holds no lib/lib${_lib}.a: "
      "run scripts/build-macos.sh [BUILD_DIR], which builds it into "
      "~/.cache/pharos-pulse/macos/ARCH-RECIPE_ID and passes it here.")
  endif()
endforeach()

include(cmake/HeaderOnlyDeps.cmake)

add_library(pulse_deps INTERFACE)
target_include_directories(pulse_deps INTERFACE "${PULSE_MACOS_PREFIX}/include")
target_compile_definitions(pulse_deps INTERFACE CURL_STATICLIB SODIUM_STATIC)
# libcurl before the wolfSSL it calls.
target_link_libraries(pulse_deps INTERFACE "${PULSE_MACOS_PREFIX}/lib/libcurl.a"
  "${PULSE_MACOS_PREFIX}/lib/libwolfssl.a" "${PULSE_MACOS_PREFIX}/lib/libsodium.a")
target_link_options(pulse_deps INTERFACE LINKER:-dead_strip)
