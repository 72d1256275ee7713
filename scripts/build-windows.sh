#!/usr/bin/env bash
# Cross-build pharos-pulse.exe for 64-bit Windows with MinGW-w64.
#
#   scripts/build-windows.sh [BUILD_DIR] [CMAKE_ARGS...]
#
#   BUILD_DIR   default: build-windows in the repository root (a relative path
#               is taken from the current directory).
#   CMAKE_ARGS  passed to the cmake configure step, e.g. -DPULSE_WERROR=ON.
#
# Steps:
#  1. Fetch the Debian source packages of libsodium and curl (the newest
#     revisions bookworm and bookworm-security offer) through a private apt
#     configuration, as scripts/build-static.sh does.
#  2. Cross-build both as static libraries into DEPS/prefix-RECIPE_ID, DEPS
#     being ~/.cache/pharos-pulse/windows (or $PULSE_DEPS_CACHE/windows),
#     shared by every build tree and clone:
#     libsodium after `autoreconf -fi`; curl with Debian's flavour patches
#     99_nss and 90_gnutls reverted, HTTP and HTTPS only, TLS through Windows'
#     own Schannel (so the system certificate store is the trust store).
#     Write BUILD_DIR/THIRD-PARTY-LICENSES: the copyright files of both
#     source packages at the versions used, and of what else goes in.
#  3. cmake with cmake/mingw-w64.cmake, build, and check that
#     BUILD_DIR/pharos-pulse.exe imports system DLLs only.
#
# Idempotent: downloads stay in DEPS/src and the libraries are rebuilt only
# when their recipes (version, configure options, compiler) change.
#
# Environment:
#   SODIUM_DEB_VERSION   Debian version of libsodium's source
#   CURL_DEB_VERSION     Debian version of curl's source
#                        (default for both: the newest the archive offers)
#   DEBIAN_MIRROR, DEBIAN_SECURITY_MIRROR, DEBIAN_SUITE   as for build-static.sh
#   JOBS                 parallel jobs (default: nproc)
#   PULSE_DEPS_CACHE     where built libraries are kept (default ~/.cache/pharos-pulse)
#
# Dependencies: scripts/install-deps.sh installs them all.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

case ${1:-} in
  -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
esac
BUILD_DIR=$REPO/build-windows
if (($# > 0)) && [[ $1 != -* ]]; then
  BUILD_DIR=$1
  shift
fi
CMAKE_ARGS=("$@")

JOBS=${JOBS:-$(nproc)}
HOST=x86_64-w64-mingw32
# The POSIX thread model: the win32 one has no std::mutex or std::thread.
CC=$HOST-gcc-posix
CXX=$HOST-g++-posix

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'build-windows: error: %s\n' "$*" >&2; exit 1; }

# --- Preconditions -----------------------------------------------------------
missing=()
for tool in apt-get dpkg-source autoreconf libtoolize automake make cmake patch flock \
            "$CC" "$CXX" "$HOST-objdump" "$HOST-strip"; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
for header in CLI/CLI.hpp nlohmann/json.hpp toml++/toml.h; do
  [[ -e /usr/include/$header ]] || missing+=("/usr/include/$header")
done
((${#missing[@]} == 0)) || die "missing ${missing[*]}: run scripts/install-deps.sh"

mkdir -p "$BUILD_DIR"
BUILD_DIR=$(cd "$BUILD_DIR" && pwd)

T0=$SECONDS
declare -A TIMES=()
# shellcheck source=lib/debian-source.sh
. "$REPO/scripts/lib/debian-source.sh"
deps_cache_open windows
# shellcheck source=lib/curl-features.sh
. "$REPO/scripts/lib/curl-features.sh"

SODIUM_DEB_VERSION=${SODIUM_DEB_VERSION:-$(debian_source_newest "$DEPS" libsodium)}
CURL_DEB_VERSION=${CURL_DEB_VERSION:-$(debian_source_newest "$DEPS" curl)}
log "Debian sources: libsodium $SODIUM_DEB_VERSION, curl $CURL_DEB_VERSION"

SODIUM_CONFIGURE_ARGS=(
  --host=$HOST --disable-shared --enable-static --disable-dependency-tracking
  # -fstack-protector would need MinGW's libssp at every link.
  --disable-ssp
)
CURL_CONFIGURE_ARGS=(
  --host=$HOST
  "${CURL_HTTP_ONLY_ARGS[@]}"
  # --without-openssl, not --without-ssl: configure rejects the latter next
  # to --with-schannel.
  --with-schannel --without-openssl --without-zlib
  --without-ca-bundle --without-ca-path
)
COMPILER="$($CC -dumpfullversion) $($CC -dumpmachine) $(dpkg-query -W -f='${Version}' gcc-mingw-w64-x86-64-posix 2>/dev/null || true)"
SODIUM_RECIPE="libsodium $SODIUM_DEB_VERSION; ${SODIUM_CONFIGURE_ARGS[*]}; $COMPILER"
CURL_RECIPE="curl $CURL_DEB_VERSION; revert 99_nss 90_gnutls; ${CURL_CONFIGURE_ARGS[*]}; $COMPILER"
PREFIX=$DEPS/prefix-$(recipe_id "$SODIUM_RECIPE $CURL_RECIPE")

# --- Build one library into the prefix -----------------------------------------
# build_library NAME DEB_VERSION RECIPE PREPARE CONFIGURE_ARGS...
#   PREPARE is a function run in the unpacked source tree before configure.
build_library() {
  local name=$1 version=$2 recipe=$3 prepare=$4
  shift 4
  local stamp=$PREFIX/.recipe-$name
  if [[ -e $stamp ]] && [[ $(<"$stamp") == "$recipe" ]]; then
    log "$name up to date in $PREFIX"
    return
  fi
  local t=$SECONDS
  debian_source_fetch "$DEPS" "$name" "$version"
  local work=$DEPS/$name-build blog=$DEPS/$name-build.log
  local srcdir=$work/src
  rm -rf "$work"
  mkdir -p "$work" "$PREFIX"
  : >"$blog"
  log "building $name in $work (log: $blog)"
  trap 'echo "--- last lines of $blog:" >&2; tail -n 40 "$blog" >&2' ERR
  debian_source_unpack "$DSC" "$srcdir" "$blog"
  (cd "$srcdir" && "$prepare" "$blog")
  log "autoreconf -fi"
  (cd "$srcdir" && autoreconf -fi >>"$blog" 2>&1)
  log "configure --host=$HOST"
  (cd "$srcdir" && CC=$CC CFLAGS=-O2 ./configure --prefix="$PREFIX" "$@") >>"$blog" 2>&1
  log "make -j$JOBS"
  "install_$name" "$srcdir" >>"$blog" 2>&1
  trap - ERR
  # Written last: an interrupted build leaves no stamp.
  printf '%s\n' "$recipe" >"$stamp"
  rm -rf "$work"
  TIMES[$name]=$((SECONDS - t))
  log "$name installed in $PREFIX ($((SECONDS - t)) s)"
}

prepare_libsodium() { :; }
install_libsodium() {
  make -j"$JOBS" -C "$1/src/libsodium"
  make -C "$1/src/libsodium" install
}

prepare_curl() {
  # Reverted last applied first, as debian/rules does with `quilt pop`.
  debian_source_revert_patches . "$1" 99_nss 90_gnutls
}
install_curl() {
  make -j"$JOBS" -C "$1/lib"
  make -C "$1/lib" install
  make -C "$1/include" install
}

build_library libsodium "$SODIUM_DEB_VERSION" "$SODIUM_RECIPE" \
  prepare_libsodium "${SODIUM_CONFIGURE_ARGS[@]}"
build_library curl "$CURL_DEB_VERSION" "$CURL_RECIPE" \
  prepare_curl "${CURL_CONFIGURE_ARGS[@]}"
rm -f "$PREFIX"/lib/*.la
# shellcheck source=lib/third-party-licenses.sh
. "$REPO/scripts/lib/third-party-licenses.sh"
windows_third_party_licenses "$DEPS/src" libsodium="$SODIUM_DEB_VERSION" \
  curl="$CURL_DEB_VERSION" >"$BUILD_DIR/THIRD-PARTY-LICENSES.tmp"
mv "$BUILD_DIR/THIRD-PARTY-LICENSES.tmp" "$BUILD_DIR/THIRD-PARTY-LICENSES"
exec 9>&-

# --- Build pharos-pulse.exe ------------------------------------------------------
t=$SECONDS
log "cmake configure: $BUILD_DIR"
cmake -S "$REPO" -B "$BUILD_DIR" -DCMAKE_TOOLCHAIN_FILE="$REPO/cmake/mingw-w64.cmake" \
  -DPULSE_WINDOWS_PREFIX="$PREFIX" \
  -DPULSE_DEPENDENCY_SOURCES="Debian libsodium $SODIUM_DEB_VERSION, curl $CURL_DEB_VERSION" \
  -DPULSE_TESTS=OFF "${CMAKE_ARGS[@]}" >&2
log "cmake build -j$JOBS"
cmake --build "$BUILD_DIR" -j "$JOBS" >&2
TIMES[pharos-pulse]=$((SECONDS - t))

EXE=$BUILD_DIR/pharos-pulse.exe
[[ -e $EXE ]] || die "no $EXE after the build"
# Every DLL the program imports must ship with Windows.
dlls=$("$HOST-objdump" -p "$EXE" | sed -n 's/^\s*DLL Name: //p' | sort -u)
foreign=$(grep -viE '^(kernel32|advapi32|bcrypt|crypt32|iphlpapi|ntdll|secur32|ws2_32|msvcrt|user32|ole32|shell32|api-ms-win-[a-z0-9-]+)\.dll$' <<<"$dlls" || true)
[[ -z $foreign ]] || die "$EXE imports DLLs that Windows does not ship: $foreign"

size=$(stat -c %s "$EXE")
"$HOST-strip" -o "$BUILD_DIR/pharos-pulse-stripped.exe" "$EXE"
stripped=$(stat -c %s "$BUILD_DIR/pharos-pulse-stripped.exe")
TIMES[total]=$((SECONDS - T0))
{
  echo "binary: $EXE"
  echo "imports: $(tr '\n' ' ' <<<"$dlls")"
  echo "size: $size bytes ($((size / 1024)) KiB), $stripped bytes ($((stripped / 1024)) KiB) stripped"
  echo "libsodium: Debian $SODIUM_DEB_VERSION; curl: Debian $CURL_DEB_VERSION (Schannel); prefix $PREFIX"
  for k in libsodium curl pharos-pulse total; do
    [[ -n ${TIMES[$k]:-} ]] && echo "time $k: ${TIMES[$k]} s"
  done
} | tee "$BUILD_DIR/build-windows.txt"
