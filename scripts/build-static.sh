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
#  1. Fetch curl's Debian source package, pinned to $CURL_DEB_VERSION, with
#     `apt-get source` through a private apt configuration (its own
#     sources.list with deb-src lines, lists and cache under
#     BUILD_DIR/deps/apt): the system's package lists are not touched.
#  2. dpkg-source -x applies Debian's patches (security fixes included); revert
#     the flavour patches 99_nss and 90_gnutls (they only rename the library),
#     autoreconf as Debian does, configure a minimal static libcurl (HTTP and
#     HTTPS, OpenSSL, zlib, c-ares, proxies) with dpkg-buildflags' hardening
#     flags, and install it into BUILD_DIR/deps/curl-prefix.
#  3. cmake -DPULSE_STATIC=ON -DPULSE_CURL_PREFIX=BUILD_DIR/deps/curl-prefix,
#     build, and check that BUILD_DIR/pharos-pulse is not a dynamic executable.
#
# Idempotent: the downloaded source is kept in BUILD_DIR/deps/src and the
# curl prefix is reused as long as its recipe (version, configure options,
# flags, compiler and library versions) is unchanged; a second run only
# re-runs the (incremental) cmake build.
#
# Environment:
#   CURL_DEB_VERSION        Debian version of the curl source package
#                           (default 7.88.1-10+deb12u15)
#   DEBIAN_MIRROR           default http://deb.debian.org/debian
#   DEBIAN_SECURITY_MIRROR  default http://deb.debian.org/debian-security
#   DEBIAN_SUITE            default bookworm
#   JOBS                    parallel jobs (default: nproc)
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

CURL_DEB_VERSION=${CURL_DEB_VERSION:-7.88.1-10+deb12u15}
CURL_UPSTREAM_VERSION=${CURL_DEB_VERSION%-*}
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
for a in libssl.a libcrypto.a libz.a libcares.a libsodium.a; do
  [[ -e /usr/lib/x86_64-linux-gnu/$a ]] || missing+=("$a")
done
((${#missing[@]} == 0)) || die "missing ${missing[*]}: run scripts/install-deps.sh"

mkdir -p "$BUILD_DIR"
BUILD_DIR=$(cd "$BUILD_DIR" && pwd)
DEPS=$BUILD_DIR/deps
PREFIX=$DEPS/curl-prefix
mkdir -p "$DEPS"

# One build at a time per build tree.
exec 9>"$DEPS/.lock"
flock -n 9 || { log "waiting for another build-static.sh on $BUILD_DIR"; flock 9; }

T0=$SECONDS
declare -A TIMES=()
# shellcheck source=lib/debian-source.sh
. "$REPO/scripts/lib/debian-source.sh"

# --- The recipe of the curl prefix -------------------------------------------
# Everything off but HTTP(S) and what an agent behind a proxy needs.
# shellcheck source=lib/curl-features.sh
. "$REPO/scripts/lib/curl-features.sh"
CURL_CONFIGURE_ARGS=(
  "${CURL_HTTP_ONLY_ARGS[@]}"
  --with-openssl --with-zlib
  --enable-ares --disable-threaded-resolver
  --disable-openssl-auto-load-config
  # Debian's bundle is compiled in; no CA directory, since a missing
  # --with-ca-path directory makes every HTTPS transfer fail on distributions
  # that lack it. pharos-pulse picks another bundle at run time when this one
  # does not exist.
  --with-ca-bundle=/etc/ssl/certs/ca-certificates.crt
  --without-ca-path --without-ca-fallback
)
export DEB_BUILD_MAINT_OPTIONS=hardening=+all

pkg_version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo none; }
recipe() {
  printf 'curl %s\n' "$CURL_DEB_VERSION"
  printf 'revert 99_nss.patch 90_gnutls.patch; autoreconf -fi\n'
  printf 'configure %s\n' "${CURL_CONFIGURE_ARGS[*]}"
  printf 'dpkg-buildflags %s\n' "$(DEB_BUILD_MAINT_OPTIONS=$DEB_BUILD_MAINT_OPTIONS \
    dpkg-buildflags --get CFLAGS | sed 's/-ffile-prefix-map=[^ ]*//')"
  printf 'cc %s\n' "$(cc -dumpfullversion) $(cc -dumpmachine)"
  for p in libssl-dev libc-ares-dev zlib1g-dev libc6-dev autoconf automake libtool dpkg-dev; do
    printf '%s %s\n' "$p" "$(pkg_version "$p")"
  done
}
RECIPE=$(recipe)

# --- 1. Fetch curl's Debian source ---------------------------------------------
fetch_curl_source() {
  local t=$SECONDS
  debian_source_fetch "$DEPS" curl "$CURL_DEB_VERSION"
  TIMES[fetch]=$((SECONDS - t))
}

# --- 2. Build and install the static libcurl -----------------------------------
build_curl() {
  if [[ -e $PREFIX/lib/libcurl.a && -e $PREFIX/.recipe ]] && [[ $(<"$PREFIX/.recipe") == "$RECIPE" ]]; then
    log "curl prefix up to date: $PREFIX"
    return
  fi
  [[ -e $PREFIX ]] && log "curl prefix missing or built with another recipe: rebuilding"
  fetch_curl_source
  local t=$SECONDS
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
    # Run in the source tree so that -ffile-prefix-map maps it to ".".
    CFLAGS=$(dpkg-buildflags --get CFLAGS)
    CPPFLAGS=$(dpkg-buildflags --get CPPFLAGS)
    LDFLAGS=$(dpkg-buildflags --get LDFLAGS)
    export CFLAGS CPPFLAGS LDFLAGS
    ./configure --prefix="$PREFIX" --libdir="$PREFIX/lib" "${CURL_CONFIGURE_ARGS[@]}"
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
  # The check of the recipe is the last thing written: an interrupted build
  # leaves no prefix that looks complete.
  printf '%s\n' "$RECIPE" >"$DEPS/stage$PREFIX/.recipe"
  rm -rf "$PREFIX"
  mv "$DEPS/stage$PREFIX" "$PREFIX"
  rm -rf "$DEPS/stage" "$work"
  TIMES[curl]=$((SECONDS - t))
  log "libcurl installed in $PREFIX ($((SECONDS - t)) s)"
}

build_curl
log "libcurl $("$PREFIX/bin/curl-config" --version | cut -d' ' -f2) (Debian $CURL_DEB_VERSION)," \
  "protocols: $("$PREFIX/bin/curl-config" --protocols | tr '\n' ' ')"
log "features: $("$PREFIX/bin/curl-config" --features | tr '\n' ' ')"
log "compiled-in CA bundle: $("$PREFIX/bin/curl-config" --ca)"

# --- 3. Build pharos-pulse -------------------------------------------------------
t=$SECONDS
log "cmake configure: $BUILD_DIR"
cmake -S "$REPO" -B "$BUILD_DIR" -DPULSE_STATIC=ON -DPULSE_CURL_PREFIX="$PREFIX" "${CMAKE_ARGS[@]}" >&2
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
  echo "curl: Debian $CURL_DEB_VERSION, prefix $PREFIX"
  for k in fetch curl pharos-pulse total; do
    [[ -n ${TIMES[$k]:-} ]] && echo "time $k: ${TIMES[$k]} s"
  done
} | tee "$BUILD_DIR/build-static.txt"
