# Sourced by scripts/release.sh: the copyright and licence texts of what a
# binary links in, from Debian's own files.
#
# ensure_third_party_licenses BUILD_DIR makes sure the static build's
# BUILD_DIR/THIRD-PARTY-LICENSES exists. scripts/build-static.sh writes that
# file itself where it knows how; for a build tree from before that, it is
# made here from the same sources: the Debian source packages the build
# fetched (BUILD_DIR/deps/src) and the copyright files of the Debian packages
# whose static archives and headers went in.
#
# windows_third_party_licenses BUILD_DIR prints the same for the .exe that
# scripts/build-windows.sh made in BUILD_DIR.

LINUX_LINKED_PACKAGES=(libssl-dev libc-ares-dev zlib1g-dev libc6-dev libstdc++-12-dev
                       nlohmann-json3-dev libtomlplusplus-dev libcli11-dev libsodium-dev)
WINDOWS_LINKED_PACKAGES=(mingw-w64-x86-64-dev gcc-mingw-w64-x86-64-posix-runtime
                         nlohmann-json3-dev libtomlplusplus-dev libcli11-dev)

# licences_from_debian TITLE SOURCE_DIR PACKAGE...
licences_from_debian() {
  local title=$1 source_dir=$2 rule debian_tar p
  shift 2
  rule=$(printf '=%.0s' {1..78})
  echo "Third-party software in $title"
  echo
  echo "Each part below comes from a Debian 12 (bookworm) source package at the"
  echo "version given; 'apt-get source PACKAGE=VERSION' fetches it."
  echo
  for debian_tar in "$source_dir"/*.debian.tar.xz; do
    [[ -f $debian_tar ]] || { echo "release: no Debian source in $source_dir" >&2; return 1; }
    printf '%s\n%s (Debian source package)\n%s\n\n' "$rule" \
      "$(basename "$debian_tar" .debian.tar.xz | tr _ ' ')" "$rule"
    tar -xOJf "$debian_tar" debian/copyright
    echo
  done
  for p in "$@"; do
    printf '%s\n%s (Debian source package %s)\n%s\n\n' "$rule" "$p" \
      "$(dpkg-query -W -f='${source:Package} ${source:Version}' "$p")" "$rule"
    cat "/usr/share/doc/$p/copyright"
    echo
  done
}

ensure_third_party_licenses() {
  local out=$1/THIRD-PARTY-LICENSES
  [[ -s $out ]] && return 0
  licences_from_debian "this static pharos-pulse binary" "$1/deps/src" \
    "${LINUX_LINKED_PACKAGES[@]}" >"$out.tmp"
  mv "$out.tmp" "$out"
  echo "release: wrote $out from Debian's copyright files" >&2
}

windows_third_party_licenses() {
  licences_from_debian "pharos-pulse.exe" "$1/deps/src" "${WINDOWS_LINKED_PACKAGES[@]}"
}
