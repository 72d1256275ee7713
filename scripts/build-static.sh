#!/usr/bin/env bash
# Build one fully static pharos-pulse for x86_64 Linux from Debian's packages.
#
#   scripts/build-static.sh [BUILD_DIR] [CMAKE_ARGS...]
#
#   BUILD_DIR   default: build-static in the repository root (a relative path
#               is taken from the current directory).
#   CMAKE_ARGS  passed to the cmake configure step, e.g. -DPULSE_WERROR=ON.
#
# Steps:
#  1. Fetch the Debian source packages of wolfssl and curl, each the newest
#     revision bookworm and bookworm-security offer, with `apt-get source`
#     through a private apt configuration (its own sources.list with deb-src
#     lines, lists and cache under DEPS/apt): the system's package lists are
#     not touched. DEPS is ~/.cache/pharos-pulse/linux-static (or
#     $PULSE_DEPS_CACHE/linux-static), shared by every build tree and clone.
#  2. dpkg-source -x applies Debian's patches (security fixes included);
#     build a static wolfSSL (scripts/lib/wolfssl.sh) into
#     DEPS/wolfssl-RECIPE_ID. For curl, revert the flavour patches
#     99_nss and 90_gnutls (they only rename the library), autoreconf as
#     Debian does, configure a minimal static libcurl (HTTP and HTTPS,
#     wolfSSL, zlib, c-ares, proxies), and install it into
#     DEPS/curl-RECIPE_ID. Both with dpkg-buildflags' hardening flags.
#  3. Write BUILD_DIR/THIRD-PARTY-LICENSES: the copyright and licence texts of
#     every library linked in, with the Debian source package and version of
#     each (installed next to the binary, and into the .deb).
#  4. cmake -DPULSE_STATIC=ON with both prefixes, build, and check that
#     BUILD_DIR/pharos-pulse is not a dynamic executable.
#
# Idempotent: the downloaded sources are kept in DEPS/src and each prefix,
# named by a hash of its recipe, is reused as long as its recipe (Debian revision, configure options,
# flags, compiler and library versions) is unchanged; a second run only
# re-runs the (incremental) cmake build. A new Debian revision (the package
# lists are refreshed once a day) rebuilds what it changes.
#
# Environment:
#   WOLFSSL_DEB_VERSION     Debian version of the wolfssl source package
#   CURL_DEB_VERSION        Debian version of the curl source package
#                           (default for both: the newest the archive offers)
#   DEBIAN_MIRROR           default http://deb.debian.org/debian
#   DEBIAN_SECURITY_MIRROR  default http://deb.debian.org/debian-security
#   DEBIAN_SUITE            default bookworm
#   JOBS                    parallel jobs (default: nproc)
#   PULSE_DEPS_CACHE        where built libraries are kept (default ~/.cache/pharos-pulse)
#
# Dependencies: scripts/install-deps.sh installs them all.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

case ${1:-} in
  -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
esac
BUILD_DIR=$REPO/build-static
if (($# > 0)) && [[ $1 != -* ]]; then
  BUILD_DIR=$1
  shift
fi
CMAKE_ARGS=("$@")

JOBS=${JOBS:-$(nproc)}

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'build-static: error: %s\n' "$*" >&2; exit 1; }

# --- Preconditions -----------------------------------------------------------
[[ $(uname -m) == x86_64 ]] || die "only x86_64 Linux is supported (this is $(uname -m))"
missing=()
for tool in apt-get dpkg-source dpkg-buildflags autoreconf libtoolize automake \
            make cc c++ cmake pkg-config patch ldd readelf flock; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
for a in libz.a libcares.a libsodium.a; do
  [[ -e /usr/lib/x86_64-linux-gnu/$a ]] || missing+=("$a")
done
((${#missing[@]} == 0)) || die "missing ${missing[*]}: run scripts/install-deps.sh"

mkdir -p "$BUILD_DIR"
BUILD_DIR=$(cd "$BUILD_DIR" && pwd)

T0=$SECONDS
declare -A TIMES=()
# shellcheck source=lib/debian-source.sh
. "$REPO/scripts/lib/debian-source.sh"
deps_cache_open linux-static
# shellcheck source=lib/wolfssl.sh
. "$REPO/scripts/lib/wolfssl.sh"

WOLFSSL_DEB_VERSION=${WOLFSSL_DEB_VERSION:-$(debian_source_newest "$DEPS" wolfssl)}
CURL_DEB_VERSION=${CURL_DEB_VERSION:-$(debian_source_newest "$DEPS" curl)}
CURL_UPSTREAM_VERSION=${CURL_DEB_VERSION%-*}
WOLFSSL_UPSTREAM_VERSION=${WOLFSSL_DEB_VERSION%-*}
log "Debian sources: wolfssl $WOLFSSL_DEB_VERSION, curl $CURL_DEB_VERSION"

# --- The recipes of the wolfSSL and curl prefixes ------------------------------
export DEB_BUILD_MAINT_OPTIONS=hardening=+all
# Each function and object in its own section, so that the final link's
# --gc-sections drops what pharos-pulse never calls.
SECTION_FLAGS="-ffunction-sections -fdata-sections"

pkg_version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo none; }
toolchain_recipe() {
  printf 'dpkg-buildflags %s %s\n' "$(DEB_BUILD_MAINT_OPTIONS=$DEB_BUILD_MAINT_OPTIONS \
    dpkg-buildflags --get CFLAGS | sed 's/-ffile-prefix-map=[^ ]*//')" "$SECTION_FLAGS"
  printf 'cc %s\n' "$(cc -dumpfullversion) $(cc -dumpmachine)"
  for p in libc6-dev autoconf automake libtool dpkg-dev; do
    printf '%s %s\n' "$p" "$(pkg_version "$p")"
  done
}
WOLFSSL_RECIPE=$(
  printf 'wolfssl %s\n' "$WOLFSSL_DEB_VERSION"
  printf 'configure %s\n' "${WOLFSSL_CONFIGURE_ARGS[*]}"
  toolchain_recipe
)
WOLFSSL_PREFIX=$DEPS/wolfssl-$(recipe_id "$WOLFSSL_RECIPE")

# Everything off but HTTP(S) and what an agent behind a proxy needs.
# shellcheck source=lib/curl-features.sh
. "$REPO/scripts/lib/curl-features.sh"
CURL_CONFIGURE_ARGS=(
  "${CURL_HTTP_ONLY_ARGS[@]}"
  --with-wolfssl="$WOLFSSL_PREFIX" --with-zlib
  --enable-ares --disable-threaded-resolver
  # Debian's bundle is compiled in; no CA directory, since a missing
  # --with-ca-path directory makes every HTTPS transfer fail on distributions
  # that lack it. pharos-pulse picks another bundle at run time when this one
  # does not exist.
  --with-ca-bundle=/etc/ssl/certs/ca-certificates.crt
  --without-ca-path --without-ca-fallback
)
RECIPE=$(
  printf 'curl %s\n' "$CURL_DEB_VERSION"
  printf 'revert 99_nss.patch 90_gnutls.patch; autoreconf -fi\n'
  printf 'configure %s\n' "${CURL_CONFIGURE_ARGS[*]}"
  toolchain_recipe
  for p in libc-ares-dev zlib1g-dev; do
    printf '%s %s\n' "$p" "$(pkg_version "$p")"
  done
  printf '%s\n' "$WOLFSSL_RECIPE"
)
PREFIX=$DEPS/curl-$(recipe_id "$RECIPE")

# Compiler flags of both libraries, for a configure run in the source tree
# (so that -ffile-prefix-map maps it to ".").
export_build_flags() {
  CFLAGS="$(dpkg-buildflags --get CFLAGS) $SECTION_FLAGS"
  CPPFLAGS=$(dpkg-buildflags --get CPPFLAGS)
  LDFLAGS=$(dpkg-buildflags --get LDFLAGS)
  export CFLAGS CPPFLAGS LDFLAGS
}

# Installs a finished staging prefix: the recipe is the last thing written,
# so an interrupted build leaves no prefix that looks complete.
install_prefix() {
  local stage=$1 prefix=$2 recipe=$3
  printf '%s\n' "$recipe" >"$stage/.recipe"
  rm -rf "$prefix"
  mv "$stage" "$prefix"
}

# --- 1 and 2. Fetch, build and install the static wolfSSL ----------------------
build_wolfssl() {
  if [[ -e $WOLFSSL_PREFIX/lib/libwolfssl.a && -e $WOLFSSL_PREFIX/.recipe ]] \
    && [[ $(<"$WOLFSSL_PREFIX/.recipe") == "$WOLFSSL_RECIPE" ]]; then
    log "wolfSSL prefix up to date: $WOLFSSL_PREFIX"
    return
  fi
  local t=$SECONDS
  debian_source_fetch "$DEPS" wolfssl "$WOLFSSL_DEB_VERSION"
  local work=$DEPS/wolfssl-build blog=$DEPS/wolfssl-build.log
  local srcdir=$work/wolfssl-$WOLFSSL_UPSTREAM_VERSION
  rm -rf "$work" "$DEPS/wolfssl-stage"
  mkdir -p "$work"
  : >"$blog"
  log "building wolfSSL in $work (log: $blog)"
  trap 'echo "--- last lines of $blog:" >&2; tail -n 40 "$blog" >&2' ERR
  debian_source_unpack "$DSC" "$srcdir" "$blog"
  (
    export_build_flags
    # Installed under its final prefix (which curl's configure records), then
    # moved into place.
    wolfssl_build "$srcdir" "$WOLFSSL_PREFIX.stage" "$blog"
  )
  trap - ERR
  save_licence wolfssl "$WOLFSSL_DEB_VERSION" "$srcdir" "$WOLFSSL_PREFIX.stage" COPYING
  install_prefix "$WOLFSSL_PREFIX.stage" "$WOLFSSL_PREFIX" "$WOLFSSL_RECIPE"
  sed -i "s|$WOLFSSL_PREFIX.stage|$WOLFSSL_PREFIX|g" "$WOLFSSL_PREFIX/lib/pkgconfig/wolfssl.pc"
  rm -rf "$work"
  TIMES[wolfssl]=$((SECONDS - t))
  log "wolfSSL installed in $WOLFSSL_PREFIX ($((SECONDS - t)) s)"
}

# Keeps a built library's Debian copyright file and upstream licence text in
# its prefix (share/licenses/PACKAGE), with the source package's version.
save_licence() {
  local package=$1 version=$2 srcdir=$3 prefix=$4 licence=$5
  local dir=$prefix/share/licenses/$package
  mkdir -p "$dir"
  printf '%s %s\n' "$package" "$version" >"$dir/source"
  cp "$srcdir/debian/copyright" "$dir/copyright"
  cp "$srcdir/$licence" "$dir/licence"
}

# --- 1 and 2. Fetch, build and install the static libcurl -----------------------
build_curl() {
  if [[ -e $PREFIX/lib/libcurl.a && -e $PREFIX/.recipe ]] && [[ $(<"$PREFIX/.recipe") == "$RECIPE" ]]; then
    log "curl prefix up to date: $PREFIX"
    return
  fi
  [[ -e $PREFIX ]] && log "curl prefix missing or built with another recipe: rebuilding"
  local t=$SECONDS
  debian_source_fetch "$DEPS" curl "$CURL_DEB_VERSION"
  local work=$DEPS/curl-build
  local srcdir=$work/curl-$CURL_UPSTREAM_VERSION
  rm -rf "$work" "$DEPS/stage"
  mkdir -p "$work"
  local blog=$DEPS/curl-build.log
  : >"$blog"
  log "building curl in $work (log: $blog)"
  trap 'echo "--- last lines of $blog:" >&2; tail -n 40 "$blog" >&2' ERR
  debian_source_unpack "$DSC" "$srcdir" "$blog"
  # Revert the flavour patches, last applied first (what debian/rules does
  # with `quilt pop` twice).
  debian_source_revert_patches "$srcdir" "$blog" 99_nss 90_gnutls
  grep -q '^lib_LTLIBRARIES = libcurl.la$' "$srcdir/lib/Makefile.am" \
    || die "lib/Makefile.am still renames libcurl after reverting the flavour patches"

  # Debian's patches touch configure.ac and Makefile.am: regenerate, as
  # Debian's build does (./buildconf = autoreconf -fi).
  log "autoreconf -fi"
  (cd "$srcdir" && autoreconf -fi >>"$blog" 2>&1)

  log "configure"
  (
    cd "$srcdir"
    export_build_flags
    # wolfSSL's DH code calls pow() and log(); its wolfssl.pc does not say so.
    LIBS=-lm ./configure --prefix="$PREFIX" --libdir="$PREFIX/lib" "${CURL_CONFIGURE_ARGS[@]}"
  ) >>"$blog" 2>&1
  log "make -j$JOBS (the library only)"
  {
    make -j"$JOBS" -C "$srcdir/lib"
    make -C "$srcdir/lib" install DESTDIR="$DEPS/stage"
    make -C "$srcdir/include" install DESTDIR="$DEPS/stage"
    make -C "$srcdir" install-pkgconfigDATA install-binSCRIPTS DESTDIR="$DEPS/stage"
  } >>"$blog" 2>&1
  trap - ERR
  rm -f "$DEPS/stage$PREFIX"/lib/*.la
  save_licence curl "$CURL_DEB_VERSION" "$srcdir" "$DEPS/stage$PREFIX" COPYING
  install_prefix "$DEPS/stage$PREFIX" "$PREFIX" "$RECIPE"
  rm -rf "$DEPS/stage" "$work"
  TIMES[curl]=$((SECONDS - t))
  log "libcurl installed in $PREFIX ($((SECONDS - t)) s)"
}

build_wolfssl
build_curl
log "libcurl $("$PREFIX/bin/curl-config" --version | cut -d' ' -f2) (Debian $CURL_DEB_VERSION) on wolfSSL $WOLFSSL_UPSTREAM_VERSION," \
  "protocols: $("$PREFIX/bin/curl-config" --protocols | tr '\n' ' ')"
log "features: $("$PREFIX/bin/curl-config" --features | tr '\n' ' ')"
log "compiled-in CA bundle: $("$PREFIX/bin/curl-config" --ca)"

# --- 3. The licences of what is linked in ---------------------------------------
# Debian's binary packages whose static archives or headers end up in the
# binary, beside wolfSSL and libcurl built above.
LINKED_PACKAGES=(libsodium-dev libc-ares-dev zlib1g-dev libc6-dev libstdc++-12-dev
                 nlohmann-json3-dev libtomlplusplus-dev libcli11-dev)
LICENCES=$BUILD_DIR/THIRD-PARTY-LICENSES
write_licences() {
  local rule p dir
  rule=$(printf '=%.0s' {1..78})
  echo "Third-party software in this static pharos-pulse binary"
  echo
  echo "Each part below is built from a Debian 12 (bookworm) source package, at the"
  echo "version given: 'apt-get source PACKAGE=VERSION' fetches it, or"
  echo "https://snapshot.debian.org/package/PACKAGE/VERSION/. wolfSSL is under"
  echo "GPL-2.0-or-later, combined with pharos-pulse's AGPL-3.0-or-later as GPLv3."
  echo
  for p in wolfssl curl; do
    dir=$([[ $p == curl ]] && echo "$PREFIX" || echo "$WOLFSSL_PREFIX")/share/licenses/$p
    printf '%s\n%s (Debian source package %s)\n%s\n\n' "$rule" "$p" "$(<"$dir/source")" "$rule"
    cat "$dir/copyright"
    printf '\n--- %s: upstream licence text\n\n' "$p"
    cat "$dir/licence"
    echo
  done
  for p in "${LINKED_PACKAGES[@]}"; do
    printf '%s\n%s (Debian source package %s)\n%s\n\n' "$rule" "$p" \
      "$(dpkg-query -W -f='${source:Package} ${source:Version}' "$p")" "$rule"
    cat "/usr/share/doc/$p/copyright"
    echo
  done
  # Licences the copyright files above name but only refer to.
  for p in LGPL-2.1 GPL-3; do
    printf '%s\n%s (/usr/share/common-licenses/%s)\n%s\n\n' "$rule" "$p" "$p" "$rule"
    cat "/usr/share/common-licenses/$p"
    echo
  done
}
write_licences >"$LICENCES.tmp"
mv "$LICENCES.tmp" "$LICENCES"
DEPENDENCY_SOURCES="wolfssl $WOLFSSL_DEB_VERSION, curl $CURL_DEB_VERSION"
for p in libsodium-dev libc-ares-dev zlib1g-dev; do
  DEPENDENCY_SOURCES+=", $(dpkg-query -W -f='${source:Package} ${source:Version}' "$p")"
done

# --- 4. Build pharos-pulse -------------------------------------------------------
exec 9>&-
t=$SECONDS
log "cmake configure: $BUILD_DIR"
cmake -S "$REPO" -B "$BUILD_DIR" -DPULSE_STATIC=ON -DPULSE_CURL_PREFIX="$PREFIX" \
  -DPULSE_WOLFSSL_PREFIX="$WOLFSSL_PREFIX" -DPULSE_THIRD_PARTY_LICENSES="$LICENCES" \
  -DPULSE_DEPENDENCY_SOURCES="Debian $DEPENDENCY_SOURCES" "${CMAKE_ARGS[@]}" >&2
log "cmake build -j$JOBS"
cmake --build "$BUILD_DIR" -j "$JOBS" >&2
TIMES[pharos-pulse]=$((SECONDS - t))

BIN=$BUILD_DIR/pharos-pulse
[[ -x $BIN ]] || die "no $BIN after the build"
ldd_out=$(LC_ALL=C ldd "$BIN" 2>&1 || true)
if ! grep -q 'not a dynamic executable' <<<"$ldd_out"; then
  printf '%s\n' "$ldd_out" >&2
  die "$BIN is dynamically linked"
fi
if readelf -lW "$BIN" | grep -q 'INTERP\|DYNAMIC'; then
  die "$BIN has a program interpreter or a dynamic section"
fi

size=$(stat -c %s "$BIN")
tmp=$(mktemp)
strip -o "$tmp" "$BIN"
stripped=$(stat -c %s "$tmp")
rm -f "$tmp"
TIMES[total]=$((SECONDS - T0))
{
  echo "binary: $BIN"
  echo "ldd: $(tr -s ' \t' ' ' <<<"$ldd_out" | sed 's/^ //')"
  echo "size: $size bytes ($((size / 1024)) KiB), $stripped bytes ($((stripped / 1024)) KiB) stripped"
  echo "wolfSSL: Debian $WOLFSSL_DEB_VERSION, prefix $WOLFSSL_PREFIX"
  echo "curl: Debian $CURL_DEB_VERSION, prefix $PREFIX"
  echo "licences: $LICENCES"
  for k in wolfssl curl pharos-pulse total; do
    [[ -n ${TIMES[$k]:-} ]] && echo "time $k: ${TIMES[$k]} s"
  done
} | tee "$BUILD_DIR/build-static.txt"
