# Install rules and the Debian package (CPack), included at the end of the
# top-level CMakeLists.txt.
#
#   cmake --install BUILD_DIR [--prefix /usr/local]   # from source
#   (cd BUILD_DIR && cpack -G DEB)                    # pharos-pulse_<version>_<arch>.deb
#
# The .deb installs under /usr. Built with PULSE_STATIC=ON it depends on
# nothing; a build against shared libraries gets its Depends from
# dpkg-shlibdeps. scripts/package-test.sh builds, checks, installs and purges
# the package.

include(GNUInstallDirs)

# `make install` and cpack install what is built instead of building every
# target first (the tests too): build, then install or package.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

install(TARGETS pharos-pulse RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# Man pages gzipped as Debian policy wants (man reads both); -n keeps the
# output reproducible.
find_program(PULSE_GZIP gzip)
foreach(page IN ITEMS pharos-pulse.1 pharos-pulse.toml.5)
  string(REGEX REPLACE ".*\\.([0-9])$" "\\1" section ${page})
  set(source ${PROJECT_SOURCE_DIR}/man/${page})
  if(PULSE_GZIP)
    set(output ${PROJECT_BINARY_DIR}/man/${page}.gz)
    add_custom_command(OUTPUT ${output}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/man
      COMMAND ${PULSE_GZIP} -9 -n -c ${source} > ${output}
      DEPENDS ${source}
      COMMENT "Compressing man page ${page}"
      VERBATIM)
    list(APPEND PULSE_MAN_PAGES ${output})
    install(FILES ${output} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
  else()
    install(FILES ${source} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
  endif()
endforeach()
if(PULSE_MAN_PAGES)
  add_custom_target(pulse_man_pages ALL DEPENDS ${PULSE_MAN_PAGES})
endif()

# Shell completions, where each shell looks for a package's completions.
install(FILES completions/pharos-pulse.bash
  DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
  RENAME pharos-pulse)
install(FILES completions/_pharos-pulse
  DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
install(FILES completions/pharos-pulse.fish
  DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)

# systemd: the service (installed, not enabled), the shutdown hook for hosts
# without the daemon (inert until its unit is enabled), and the tmpfiles.d
# entry that lets the pharos group read the DMI hardware UUID. Not
# CMAKE_INSTALL_LIBDIR: systemd looks in PREFIX/lib, never in a multiarch
# directory (and /usr/local/lib/systemd/system is on its search path too).
install(FILES examples/systemd/pharos-pulse.service
  examples/shutdown-hook/pharos-pulse-offline.service
  DESTINATION lib/systemd/system)
install(PROGRAMS examples/shutdown-hook/pharos-pulse-offline
  DESTINATION lib/pharos-pulse)
install(FILES packaging/tmpfiles.d/pharos-pulse.conf
  DESTINATION lib/tmpfiles.d)

install(FILES examples/pulse.toml DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES LICENSE DESTINATION ${CMAKE_INSTALL_DOCDIR} RENAME copyright)
# The static build links third-party libraries in: their licences and where
# their sources are (BUILD_DIR/THIRD-PARTY-LICENSES, written by
# scripts/build-static.sh and passed on by it and by scripts/release.sh).
set(PULSE_THIRD_PARTY_LICENSES "" CACHE FILEPATH
  "Licences of the libraries linked into a static build (set by scripts/build-static.sh)")
if(PULSE_THIRD_PARTY_LICENSES)
  install(FILES ${PULSE_THIRD_PARTY_LICENSES} DESTINATION ${CMAKE_INSTALL_DOCDIR})
elseif(PULSE_STATIC)
  message(FATAL_ERROR "PULSE_STATIC=ON needs -DPULSE_THIRD_PARTY_LICENSES=<file>: "
    "run scripts/build-static.sh, which writes it")
endif()

# The service's environment file, all comments: Debian's place for it (the
# rpm moves it to /etc/sysconfig, packaging/rpm/pharos-pulse.spec). Only when
# missing, so that an install from source keeps an administrator's file.
install(CODE "
  if(NOT EXISTS \"\$ENV{DESTDIR}/etc/default/pharos-pulse\")
    file(INSTALL DESTINATION /etc/default TYPE FILE
      FILES \"${PROJECT_SOURCE_DIR}/packaging/default/pharos-pulse\")
  endif()")

# Changelogs as Debian wants them: the project's CHANGELOG.md as the upstream
# changelog.gz, and changelog.Debian.gz made from it.
set(PULSE_DEB_REVISION 1 CACHE STRING "Debian revision of the package (VERSION-REVISION)")
set(PULSE_DEB_MAINTAINER "Pharos maintainers <pharos@example.net>" CACHE STRING
  "Maintainer field of the Debian package")
find_package(Python3 COMPONENTS Interpreter)
if(PULSE_GZIP AND Python3_Interpreter_FOUND)
  set(changelogs ${PROJECT_BINARY_DIR}/changelog.gz ${PROJECT_BINARY_DIR}/changelog.Debian.gz)
  add_custom_command(OUTPUT ${changelogs}
    COMMAND ${PULSE_GZIP} -9 -n -c ${PROJECT_SOURCE_DIR}/CHANGELOG.md > changelog.gz
    COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/scripts/lib/debian-changelog.py
      ${PROJECT_SOURCE_DIR}/CHANGELOG.md pharos-pulse ${PULSE_DEB_REVISION}
      ${PULSE_DEB_MAINTAINER} > changelog.Debian
    COMMAND ${PULSE_GZIP} -9 -n -f changelog.Debian
    DEPENDS CHANGELOG.md scripts/lib/debian-changelog.py
    WORKING_DIRECTORY ${PROJECT_BINARY_DIR}
    COMMENT "Changelogs for the packages"
    VERBATIM)
  add_custom_target(pulse_changelogs ALL DEPENDS ${changelogs})
  install(FILES ${changelogs} DESTINATION ${CMAKE_INSTALL_DOCDIR})
endif()
if(PULSE_STATIC)
  install(FILES packaging/deb/lintian-overrides DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides
    RENAME pharos-pulse)
endif()

# --- The Debian package ------------------------------------------------------

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME pharos-pulse)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT ${PULSE_DEB_MAINTAINER})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "signed presence agent (ONLINE, HEARTBEAT, OFFLINE) for a Pharos server")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE ${PULSE_DEB_REVISION})
set(CPACK_DEBIAN_PACKAGE_MAINTAINER ${PULSE_DEB_MAINTAINER})
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# CPack puts the summary first and indents this as the extended description.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
  "pharos-pulse tells a Pharos server which machines of a fleet exist and are
up. It proves who the node is with an Ed25519 SSH identity key, reports what
the node is (hardware UUID, host name, OS, kernel, platform, local IPs),
sends ONLINE at start, a HEARTBEAT every hour and OFFLINE at shutdown, each
signed (RFC 9421 HTTP Message Signatures), and keeps undelivered events on
disk to deliver them later, in order.
.
The service is installed but not enabled: enroll the node
(pharos-pulse enroll), then run systemctl enable --now pharos-pulse.")
if(PULSE_STATIC)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS OFF)
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "")
else()
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
endif()
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  ${PROJECT_SOURCE_DIR}/packaging/deb/postinst
  ${PROJECT_SOURCE_DIR}/packaging/deb/prerm
  ${PROJECT_SOURCE_DIR}/packaging/deb/postrm
  ${PROJECT_SOURCE_DIR}/packaging/deb/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

include(CPack)
