# Sourced by scripts/build-windows.sh: the copyright and licence texts of what
# pharos-pulse.exe links in, from Debian's own files (scripts/build-static.sh
# writes the static binary's itself).
#
#   windows_third_party_licenses SOURCE_DIR SOURCE_PACKAGE=VERSION...
#
# prints them: the debian/copyright of each source package the build used,
# at that version, from SOURCE_DIR (where debian_source_fetch keeps them), and
# the copyright files of the Debian packages whose headers and runtime went in.

WINDOWS_LINKED_PACKAGES=(mingw-w64-x86-64-dev gcc-mingw-w64-x86-64-posix-runtime
                         nlohmann-json3-dev libtomlplusplus-dev libcli11-dev)

windows_third_party_licenses() {
  local source_dir=$1 rule source package version debian_tar p
  shift
  rule=$(printf '=%.0s' {1..78})
  echo "Third-party software in pharos-pulse.exe"
  echo
  echo "Each part below comes from a Debian 12 (bookworm) source package at the"
  echo "version given; 'apt-get source PACKAGE=VERSION' fetches it."
  echo
  for source in "$@"; do
    package=${source%%=*} version=${source#*=}
    debian_tar=$source_dir/${package}_${version#*:}.debian.tar.xz
    [[ -f $debian_tar ]] || { echo "build-windows: no $debian_tar" >&2; return 1; }
    printf '%s\n%s %s (Debian source package)\n%s\n\n' "$rule" "$package" "$version" "$rule"
    tar -xOJf "$debian_tar" debian/copyright
    echo
  done
  for p in "${WINDOWS_LINKED_PACKAGES[@]}"; do
    printf '%s\n%s (Debian source package %s)\n%s\n\n' "$rule" "$p" \
      "$(dpkg-query -W -f='${source:Package} ${source:Version}' "$p")" "$rule"
    cat "/usr/share/doc/$p/copyright"
    echo
  done
}
