# Dependencies of the fully static pharos-pulse (PULSE_STATIC=ON).
#
# Defines the INTERFACE target pulse_deps: the static wolfSSL and libcurl that
# scripts/build-static.sh builds from Debian's wolfssl and curl source
# packages into PULSE_WOLFSSL_PREFIX and PULSE_CURL_PREFIX, and Debian's
# static archives of libsodium, c-ares and zlib. Only lib*.a files are
# accepted, so a shared library can never slip into the link.

if(CMAKE_SYSTEM_NAME STREQUAL "Linux" AND NOT CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
  message(WARNING "PULSE_STATIC is only tested on x86_64 Linux (this is ${CMAKE_SYSTEM_PROCESSOR})")
endif()
if(PULSE_SANITIZE)
  message(FATAL_ERROR "PULSE_STATIC=ON cannot be combined with PULSE_SANITIZE=ON: "
    "the sanitizer runtimes do not support -static")
endif()

set(PULSE_CURL_PREFIX "" CACHE PATH
  "Prefix of the static libcurl built by scripts/build-static.sh (~/.cache/pharos-pulse/linux-static/curl-RECIPE_ID)")
if(NOT PULSE_CURL_PREFIX)
  message(FATAL_ERROR "PULSE_STATIC=ON needs -DPULSE_CURL_PREFIX=<prefix of a static libcurl>. "
    "Run scripts/build-static.sh [BUILD_DIR], which builds libcurl from Debian's curl "
    "source package into ~/.cache/pharos-pulse/linux-static/curl-RECIPE_ID and passes it here.")
endif()
set(PULSE_WOLFSSL_PREFIX "" CACHE PATH
  "Prefix of the static wolfSSL built by scripts/build-static.sh (~/.cache/pharos-pulse/linux-static/wolfssl-RECIPE_ID)")
if(NOT PULSE_WOLFSSL_PREFIX)
  message(FATAL_ERROR "PULSE_STATIC=ON needs -DPULSE_WOLFSSL_PREFIX=<prefix of a static wolfSSL>: "
    "run scripts/build-static.sh [BUILD_DIR].")
endif()
get_filename_component(PULSE_CURL_PREFIX "${PULSE_CURL_PREFIX}" ABSOLUTE BASE_DIR "${CMAKE_BINARY_DIR}")
get_filename_component(PULSE_WOLFSSL_PREFIX "${PULSE_WOLFSSL_PREFIX}" ABSOLUTE
  BASE_DIR "${CMAKE_BINARY_DIR}")
if(NOT EXISTS "${PULSE_CURL_PREFIX}/lib/libcurl.a" OR NOT EXISTS "${PULSE_CURL_PREFIX}/include/curl/curl.h")
  message(FATAL_ERROR "PULSE_CURL_PREFIX=${PULSE_CURL_PREFIX} holds no lib/libcurl.a and "
    "include/curl/curl.h: run scripts/build-static.sh to build it.")
endif()

# NO_CACHE: a changed PULSE_CURL_PREFIX takes effect at once.
find_library(PULSE_CURL_LIBRARY NAMES libcurl.a PATHS "${PULSE_CURL_PREFIX}/lib"
  NO_DEFAULT_PATH NO_CACHE REQUIRED)
find_path(PULSE_CURL_INCLUDE_DIR NAMES curl/curl.h PATHS "${PULSE_CURL_PREFIX}/include"
  NO_DEFAULT_PATH NO_CACHE REQUIRED)
find_library(PULSE_WOLFSSL_LIBRARY NAMES libwolfssl.a PATHS "${PULSE_WOLFSSL_PREFIX}/lib"
  NO_DEFAULT_PATH NO_CACHE REQUIRED)

foreach(_lib IN ITEMS sodium cares z)
  string(TOUPPER "${_lib}" _LIB)
  find_library(PULSE_${_LIB}_STATIC_LIBRARY NAMES lib${_lib}.a REQUIRED)
endforeach()
set(THREADS_PREFER_PTHREAD_FLAG ON)
find_package(Threads REQUIRED)

# Imported targets, so that the link line keeps each archive ahead of the
# archives it needs: curl -> wolfssl/cares/z -> pthread/libm.
function(_pulse_static_import name location)
  add_library(pulse_static::${name} STATIC IMPORTED)
  set_target_properties(pulse_static::${name} PROPERTIES
    IMPORTED_LOCATION "${location}")
endfunction()
_pulse_static_import(z "${PULSE_Z_STATIC_LIBRARY}")
_pulse_static_import(cares "${PULSE_CARES_STATIC_LIBRARY}")
_pulse_static_import(wolfssl "${PULSE_WOLFSSL_LIBRARY}")
set_target_properties(pulse_static::wolfssl PROPERTIES INTERFACE_LINK_LIBRARIES "Threads::Threads;m")
_pulse_static_import(sodium "${PULSE_SODIUM_STATIC_LIBRARY}")
set_target_properties(pulse_static::sodium PROPERTIES INTERFACE_LINK_LIBRARIES Threads::Threads)
_pulse_static_import(curl "${PULSE_CURL_LIBRARY}")
set_target_properties(pulse_static::curl PROPERTIES
  INTERFACE_INCLUDE_DIRECTORIES "${PULSE_CURL_INCLUDE_DIR}"
  INTERFACE_COMPILE_DEFINITIONS CURL_STATICLIB
  INTERFACE_LINK_LIBRARIES "pulse_static::wolfssl;pulse_static::cares;pulse_static::z;Threads::Threads")

add_library(pulse_deps INTERFACE)
target_link_libraries(pulse_deps INTERFACE pulse_static::curl pulse_static::sodium)
# With -static (added to pharos-pulse by CMakeLists.txt) these are implied;
# they also keep any other executable linking pulse_deps (the tests) free of
# a run-time dependency on libstdc++.so/libgcc_s.so.
target_link_options(pulse_deps INTERFACE -static-libstdc++ -static-libgcc)
# Drops the unused sections of the archives (wolfSSL and libcurl are built
# with -ffunction-sections -fdata-sections for it).
target_link_options(pulse_deps INTERFACE LINKER:--gc-sections)

# Link warnings that remain, all on code paths pharos-pulse never takes:
#   libwolfssl.a wolfio.o     getaddrinfo    - wolfSSL's own connect, for OCSP
#                                              and CRL fetching; libcurl makes
#                                              the connections
#   libcares.a  ares_getaddrinfo  getservbyname - only for a non-numeric
#                                              service; curl passes the port
#                                              with ARES_AI_NUMERICSERV
#   libcares.a  ares_getnameinfo  getservbyport_r - curl never calls it
# glibc's NSS is therefore never used: c-ares reads /etc/hosts,
# /etc/resolv.conf and /etc/nsswitch.conf itself, and libcurl has no netrc
# (getpwuid) or NTLM-winbind code.

message(STATUS "Static build: libcurl from ${PULSE_CURL_PREFIX}; "
  "${PULSE_WOLFSSL_LIBRARY}, ${PULSE_SODIUM_STATIC_LIBRARY}, "
  "${PULSE_CARES_STATIC_LIBRARY}, ${PULSE_Z_STATIC_LIBRARY}")
