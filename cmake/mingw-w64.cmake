# Cross-compiling for 64-bit Windows with Debian's MinGW-w64 (see
# scripts/build-windows.sh). The "-posix" compilers use the POSIX thread
# model: the win32 one lacks std::mutex and std::thread.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(PULSE_MINGW_TRIPLET x86_64-w64-mingw32)

set(CMAKE_C_COMPILER ${PULSE_MINGW_TRIPLET}-gcc-posix)
set(CMAKE_CXX_COMPILER ${PULSE_MINGW_TRIPLET}-g++-posix)
set(CMAKE_RC_COMPILER ${PULSE_MINGW_TRIPLET}-windres)

set(CMAKE_FIND_ROOT_PATH /usr/${PULSE_MINGW_TRIPLET})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
