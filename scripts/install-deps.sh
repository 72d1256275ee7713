#!/usr/bin/env bash
# Install every build and test dependency of pharos-pulse from Debian's
# packages (Debian 12 "bookworm"), including what scripts/build-static.sh needs.
#
#   scripts/install-deps.sh            # as root (or via sudo)
#
# Safe to run any number of times: it installs only what is missing and runs
# `apt-get update` only when a missing package cannot be installed from the
# package lists already on the machine. Never prompts.
set -euo pipefail

packages=(
  # Build (shared-library build, as distribution packagers do it).
  build-essential cmake pkg-config
  libcli11-dev libcurl4-openssl-dev libsodium-dev nlohmann-json3-dev libtomlplusplus-dev
  # Tests.
  catch2 openssl openssh-client nodejs python3 ca-certificates
  # strace: which files the daemon reads at a heartbeat (test_run.py).
  strace
  # Static build (scripts/build-static.sh): the static archives it links ...
  libc-ares-dev libssl-dev zlib1g-dev
  # ... `apt-get source`, `dpkg-source -x` and `dpkg-buildflags` for curl's
  # Debian source package, the keyring its private apt configuration trusts ...
  dpkg-dev debian-archive-keyring
  # ... and `autoreconf`, since Debian's patches touch configure.ac and
  # Makefile.am (Debian's own build runs ./buildconf too).
  autoconf automake libtool
  # Documentation and packaging checks: man page lint, the shells whose
  # completions are tested, cpack's .deb tooling.
  mandoc zsh fish bash-completion file
  # Service checks (systemd-analyze verify) and footprint measurements.
  systemd time
  # The fleet simulation's plots (bench/fleet/run.sh).
  gnuplot-nox
  # Fuzzing (scripts/fuzz.sh): clang with libFuzzer and the sanitizer
  # runtimes, and llvm-symbolizer for readable stack traces.
  clang-14 libclang-rt-14-dev llvm
  # Windows cross build (scripts/build-windows.sh) and its tests under Wine
  # (scripts/test-windows.sh): the POSIX-threads MinGW-w64 compiler, since the
  # win32 thread model has no std::mutex.
  g++-mingw-w64-x86-64-posix wine wine64
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
  [[ $status == ii* ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

SUDO=()
if ((EUID != 0)); then
  command -v sudo >/dev/null || { echo "install-deps: run as root" >&2; exit 1; }
  SUDO=(sudo)
fi

export DEBIAN_FRONTEND=noninteractive
apt_install() {
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
    --no-install-recommends -o Dpkg::Options::=--force-confdef \
    -o Dpkg::Options::=--force-confold "$@"
}

echo "install-deps: installing ${missing[*]}"
# First try with the package lists at hand; a fresh machine (no lists) or stale
# lists (404 on a superseded version) make it fail, and then we update once.
if ! apt_install "${missing[@]}"; then
  echo "install-deps: install failed, running apt-get update and retrying"
  "${SUDO[@]}" apt-get update -q
  apt_install "${missing[@]}"
fi
echo "install-deps: done"
