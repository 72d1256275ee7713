# Sourced by scripts/build-windows.sh and scripts/build-macos.sh: the
# copyright and licence texts of what their binaries link in, from Debian's
# own files (scripts/build-static.sh writes the static binary's itself).
#
#   windows_third_party_licenses SOURCE_DIR SOURCE_PACKAGE=VERSION...
#   macos_third_party_licenses SOURCE_DIR ZIG_DIR SOURCE_PACKAGE=VERSION...
#
# print them: the debian/copyright of each source package the build used,
# at that version, from SOURCE_DIR (where debian_source_fetch keeps them), and
# the copyright files of the Debian packages whose headers and runtime went in;
# for macOS, the licences of Zig and of the LLVM runtime it links in.

WINDOWS_LINKED_PACKAGES=(mingw-w64-x86-64-dev gcc-mingw-w64-x86-64-posix-runtime
                         nlohmann-json3-dev libtomlplusplus-dev libcli11-dev)
MACOS_LINKED_PACKAGES=(nlohmann-json3-dev libtomlplusplus-dev libcli11-dev)

THIRD_PARTY_RULE=$(printf '=%.0s' {1..78})

# debian_source_copyrights SOURCE_DIR SOURCE_PACKAGE=VERSION...
debian_source_copyrights() {
  local source_dir=$1 source package version debian_tar
  shift
  for source in "$@"; do
    package=${source%%=*} version=${source#*=}
    debian_tar=$source_dir/${package}_${version#*:}.debian.tar.xz
    [[ -f $debian_tar ]] || { echo "third-party-licenses: no $debian_tar" >&2; return 1; }
    printf '%s\n%s %s (Debian source package)\n%s\n\n' "$THIRD_PARTY_RULE" "$package" "$version" \
      "$THIRD_PARTY_RULE"
    tar -xOJf "$debian_tar" debian/copyright
    echo
  done
}

# debian_package_copyrights PACKAGE...: of installed Debian packages.
debian_package_copyrights() {
  local p
  for p in "$@"; do
    printf '%s\n%s (Debian source package %s)\n%s\n\n' "$THIRD_PARTY_RULE" "$p" \
      "$(dpkg-query -W -f='${source:Package} ${source:Version}' "$p")" "$THIRD_PARTY_RULE"
    cat "/usr/share/doc/$p/copyright"
    echo
  done
}

windows_third_party_licenses() {
  local source_dir=$1
  shift
  echo "Third-party software in pharos-pulse.exe"
  echo
  echo "Each part below comes from a Debian 12 (bookworm) source package at the"
  echo "version given; 'apt-get source PACKAGE=VERSION' fetches it."
  echo
  debian_source_copyrights "$source_dir" "$@"
  debian_package_copyrights "${WINDOWS_LINKED_PACKAGES[@]}"
}

macos_third_party_licenses() {
  local source_dir=$1 zig_dir=$2 part
  shift 2
  echo "Third-party software in the macOS pharos-pulse"
  echo
  echo "libsodium, wolfSSL, curl and the header-only libraries come from Debian 12"
  echo "(bookworm) source packages at the versions given; 'apt-get source"
  echo "PACKAGE=VERSION' fetches them. libc++, libc++abi and libunwind come with"
  echo "Zig $(<"$zig_dir/package.json" sed -n 's/^ *"version": "\(.*\)",$/\1/p'), which compiled and linked them in."
  echo
  debian_source_copyrights "$source_dir" "$@"
  debian_package_copyrights "${MACOS_LINKED_PACKAGES[@]}"
  printf '%s\nZig\n%s\n\n' "$THIRD_PARTY_RULE" "$THIRD_PARTY_RULE"
  cat "$zig_dir/LICENSE"
  echo
  for part in libcxx libcxxabi libunwind; do
    printf '%s\n%s (with Zig)\n%s\n\n' "$THIRD_PARTY_RULE" "$part" "$THIRD_PARTY_RULE"
    cat "$zig_dir/lib/$part/LICENSE.TXT"
    echo
  done
}
