# Sourced by scripts/release.sh: ensure_third_party_licenses BUILD_DIR makes
# sure BUILD_DIR/THIRD-PARTY-LICENSES exists: the copyright and licence texts
# of everything linked into the static binary. scripts/build-static.sh writes
# that file itself where it knows how; for a build tree from before that, it
# is made here from the same sources: curl's Debian source package the build
# fetched (BUILD_DIR/deps/src) and the copyright files of the Debian packages
# whose static archives and headers went in.

ensure_third_party_licenses() {
  local build_dir=$1 out=$1/THIRD-PARTY-LICENSES
  [[ -s $out ]] && return 0
  local rule p debian_tar
  rule=$(printf '=%.0s' {1..78})
  debian_tar=$(ls "$build_dir"/deps/src/curl_*.debian.tar.xz 2>/dev/null | head -n 1)
  [[ -n $debian_tar ]] || { echo "release: no curl Debian source in $build_dir/deps/src" >&2; return 1; }
  {
    echo "Third-party software in this static pharos-pulse binary"
    echo
    echo "Each part below comes from a Debian 12 (bookworm) source package at the"
    echo "version given; 'apt-get source PACKAGE=VERSION' fetches it."
    echo
    printf '%s\ncurl (Debian source package curl %s)\n%s\n\n' "$rule" \
      "$(basename "$debian_tar" .debian.tar.xz | cut -d_ -f2)" "$rule"
    tar -xOJf "$debian_tar" debian/copyright
    echo
    for p in libssl-dev libsodium-dev libc-ares-dev zlib1g-dev libc6-dev libstdc++-12-dev \
             nlohmann-json3-dev libtomlplusplus-dev libcli11-dev; do
      printf '%s\n%s (Debian source package %s)\n%s\n\n' "$rule" "$p" \
        "$(dpkg-query -W -f='${source:Package} ${source:Version}' "$p")" "$rule"
      cat "/usr/share/doc/$p/copyright"
      echo
    done
  } >"$out.tmp"
  mv "$out.tmp" "$out"
  echo "release: wrote $out from Debian's copyright files" >&2
}
