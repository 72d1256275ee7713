# Read after CMake's Apple-Clang rules (CMAKE_USER_MAKE_RULES_OVERRIDE of
# cmake/zig-macos.cmake): Zig's linker refuses the -Wl,-v those rules add
# when CMake asks the compiler for its ABI (pointer size, implicit link
# directories), so the compiler alone is asked to be verbose.
set(CMAKE_C_VERBOSE_FLAG "-v")
set(CMAKE_CXX_VERBOSE_FLAG "-v")
