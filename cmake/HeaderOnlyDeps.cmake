# The header-only libraries (CLI11, nlohmann/json, toml++) of a cross build,
# from the build machine's /usr/include, each through a directory of its own
# so that no other Linux header can shadow the target's.
#
# Defines the imported targets CLI11::CLI11 and nlohmann_json::nlohmann_json
# and the variable TOMLPLUSPLUS_INCLUDE_DIR.

set(_pulse_headers "${CMAKE_BINARY_DIR}/header-only")
foreach(_header_dir IN ITEMS CLI nlohmann toml++)
  if(NOT EXISTS "/usr/include/${_header_dir}")
    message(FATAL_ERROR "/usr/include/${_header_dir} is missing: run scripts/install-deps.sh")
  endif()
  file(MAKE_DIRECTORY "${_pulse_headers}/${_header_dir}")
  file(CREATE_LINK "/usr/include/${_header_dir}" "${_pulse_headers}/${_header_dir}/${_header_dir}"
    SYMBOLIC)
endforeach()
add_library(CLI11::CLI11 INTERFACE IMPORTED)
set_target_properties(CLI11::CLI11 PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${_pulse_headers}/CLI")
add_library(nlohmann_json::nlohmann_json INTERFACE IMPORTED)
set_target_properties(nlohmann_json::nlohmann_json PROPERTIES
  INTERFACE_INCLUDE_DIRECTORIES "${_pulse_headers}/nlohmann")
set(TOMLPLUSPLUS_INCLUDE_DIR "${_pulse_headers}/toml++")
