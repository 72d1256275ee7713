#!/usr/bin/env bash
# Build the Debian package from a build tree, check it, install it, run it,
# and purge it again.
#
#   scripts/package-test.sh BUILD_DIR [--deb FILE] [--no-install]
#
#   BUILD_DIR     a configured and built tree (scripts/build-static.sh makes
#                 the static one the release uses; any cmake build works).
#   --deb FILE    check this .deb (scripts/release.sh's, made from BUILD_DIR)
#                 instead of building one.
#   --no-install  only build the .deb and check its metadata and contents.
#
# Steps:
#  1. cpack -G DEB in BUILD_DIR (the .deb lands in BUILD_DIR/package/).
#  2. dpkg-deb --info and --contents: the metadata (section admin, maintainer,
#     no Depends for a static binary), the maintainer scripts and every
#     installed file with its mode. lintian --pedantic must be silent, and
#     each of the package's lintian overrides must follow a comment giving
#     its reason.
#  3. As root: dpkg -i, then check /usr/bin/pharos-pulse --version, the man
#     pages, the pharos group, /etc/pharos (0750 root:pharos) and that the
#     service was neither enabled nor started; install it again (the upgrade
#     path of the maintainer scripts); dpkg --purge and check that it is gone.
#
# Installing touches the real system, so step 3 refuses to run when
# pharos-pulse is already installed, or /etc/pharos or /var/lib/pharos-pulse
# exist: purging deletes the key and config in them.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }
log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'package-test: error: %s\n' "$*" >&2; exit 1; }

INSTALL=1
BUILD_DIR=
DEB=
while (($# > 0)); do
  case $1 in
    -h|--help) usage; exit 0 ;;
    --no-install) INSTALL=0 ;;
    --deb) (($# > 1)) || die "--deb needs a file"; DEB=$(realpath "$2"); shift ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) [[ -z $BUILD_DIR ]] || die "one build directory only"; BUILD_DIR=$1 ;;
  esac
  shift
done
[[ -n $BUILD_DIR ]] || { usage >&2; exit 2; }
[[ -f $BUILD_DIR/CPackConfig.cmake ]] ||
  die "$BUILD_DIR has no CPackConfig.cmake: configure and build it with cmake first"
BUILD_DIR=$(cd "$BUILD_DIR" && pwd)
for tool in cpack dpkg-deb dpkg; do
  command -v "$tool" >/dev/null || die "missing $tool: run scripts/install-deps.sh"
done

# --- 1. Build the package -------------------------------------------------------
if [[ -z $DEB ]]; then
  log "cpack -G DEB in $BUILD_DIR"
  cmake --build "$BUILD_DIR" --target pharos-pulse pulse_man_pages pulse_changelogs >/dev/null
  rm -rf "$BUILD_DIR/package"
  (cd "$BUILD_DIR" && cpack -G DEB -B "$BUILD_DIR/package" >/dev/null)
  debs=("$BUILD_DIR"/package/pharos-pulse_*.deb)
  [[ ${#debs[@]} == 1 && -f ${debs[0]} ]] || die "expected one .deb in $BUILD_DIR/package"
  DEB=${debs[0]}
  log "built $DEB"
fi
[[ -f $DEB ]] || die "no .deb at $DEB"

# --- 2. Check metadata and contents --------------------------------------------
failures=0
fail() { printf 'package-test: FAIL: %s\n' "$*" >&2; failures=$((failures + 1)); }

field() { dpkg-deb --field "$DEB" "$1"; }
VERSION=$(sed -n 's/^project(pharos-pulse VERSION \([^ ]*\).*/\1/p' "$REPO/CMakeLists.txt")
[[ $(field Package) == pharos-pulse ]] || fail "Package is '$(field Package)'"
[[ $(field Version) == "$VERSION-1" ]] || fail "Version is '$(field Version)', not $VERSION-1"
[[ $(field Section) == admin ]] || fail "Section is '$(field Section)', not admin"
[[ $(field Architecture) == "$(dpkg --print-architecture)" ]] ||
  fail "Architecture is '$(field Architecture)'"
[[ $(field Maintainer) == *@* ]] || fail "Maintainer '$(field Maintainer)' has no address"
[[ $(field Description) == *'Pharos server'* ]] || fail "Description is '$(field Description)'"

# A static binary needs nothing; a dynamic one gets libc and friends from
# dpkg-shlibdeps.
static=0
if readelf -l "$BUILD_DIR/pharos-pulse" | grep -q 'Requesting program interpreter'; then
  [[ $(field Depends) == *libc6* ]] || fail "dynamic binary, but Depends is '$(field Depends)'"
else
  static=1
  [[ -z $(field Depends) ]] || fail "static binary, but Depends is '$(field Depends)'"
fi

control=$(mktemp -d)
trap 'rm -rf "$control"' EXIT
dpkg-deb --control "$DEB" "$control"
for script in postinst prerm postrm; do
  [[ -x $control/$script ]] || fail "maintainer script $script missing or not executable"
  # Units are handled through init-system-helpers (policy-rc.d, purge of
  # enablement links); systemctl only reloads unit files, as debhelper does.
  if grep -n 'systemctl' "$control/$script" | grep -v 'systemctl --system daemon-reload' |
      grep -v '^[0-9]*: *#' | grep -q .; then
    fail "$script calls systemctl for more than daemon-reload"
  fi
done
[[ $(cat "$control/conffiles" 2>/dev/null) == /etc/default/pharos-pulse ]] ||
  fail "conffiles is not exactly /etc/default/pharos-pulse"

# mode path (ownership must be root/root throughout).
expected_files=(
  "-rwxr-xr-x ./usr/bin/pharos-pulse"
  "-rw-r--r-- ./usr/share/man/man1/pharos-pulse.1.gz"
  "-rw-r--r-- ./usr/share/man/man5/pharos-pulse.toml.5.gz"
  "-rw-r--r-- ./usr/share/bash-completion/completions/pharos-pulse"
  "-rw-r--r-- ./usr/share/zsh/vendor-completions/_pharos-pulse"
  "-rw-r--r-- ./usr/share/fish/vendor_completions.d/pharos-pulse.fish"
  "-rw-r--r-- ./usr/lib/systemd/system/pharos-pulse.service"
  "-rw-r--r-- ./usr/lib/systemd/system/pharos-pulse-offline.service"
  "-rwxr-xr-x ./usr/lib/pharos-pulse/pharos-pulse-offline"
  "-rw-r--r-- ./usr/lib/tmpfiles.d/pharos-pulse.conf"
  "-rw-r--r-- ./usr/share/doc/pharos-pulse/pulse.toml"
  "-rw-r--r-- ./usr/share/doc/pharos-pulse/copyright"
  "-rw-r--r-- ./usr/share/doc/pharos-pulse/changelog.gz"
  "-rw-r--r-- ./usr/share/doc/pharos-pulse/changelog.Debian.gz"
  "-rw-r--r-- ./etc/default/pharos-pulse"
)
if ((static)); then
  expected_files+=("-rw-r--r-- ./usr/share/lintian/overrides/pharos-pulse")
  expected_files+=("-rw-r--r-- ./usr/share/doc/pharos-pulse/THIRD-PARTY-LICENSES")
fi
listing=$(dpkg-deb --contents "$DEB" | awk '$1 !~ /^d/ {print $1, $2, $6}')
for entry in "${expected_files[@]}"; do
  grep -qxF -e "${entry%% *} root/root ${entry#* }" <<<"$listing" ||
    fail "dpkg-deb -c: no '${entry#* }' with mode ${entry%% *}, owner root/root"
done
unexpected=$(awk '{print $1, $3}' <<<"$listing" | grep -vxF -f <(printf '%s\n' "${expected_files[@]}") || true)
[[ -z $unexpected ]] || fail "dpkg-deb -c: unexpected files: $unexpected"
if dpkg-deb --contents "$DEB" | awk '$1 !~ /^d/ {print $6}' | grep '^\./etc/' |
    grep -qvx './etc/default/pharos-pulse'; then
  fail "the package ships files in /etc besides the commented /etc/default/pharos-pulse"
fi

if command -v lintian >/dev/null; then
  findings=$(lintian --pedantic --fail-on none "$DEB" 2>&1 | grep -v '^running with root privileges' || true)
  [[ -z $findings ]] || fail "lintian --pedantic: $findings"
  overrides=$(dpkg-deb --fsys-tarfile "$DEB" |
    tar -xO ./usr/share/lintian/overrides/pharos-pulse 2>/dev/null || true)
  awk 'NF && !/^#/ && prev !~ /^# ./ {bad = 1; print "no reason for: " $0} {prev = $0}
       END {exit bad}' <<<"$overrides" >&2 || fail "a lintian override has no reason above it"
else
  fail "lintian is not installed: scripts/install-deps.sh --all"
fi

if ((failures > 0)); then
  dpkg-deb --info "$DEB" >&2
  dpkg-deb --contents "$DEB" >&2
  die "$failures check(s) of the package failed"
fi
log "metadata and contents as expected"

((INSTALL)) || { log "--no-install: done"; exit 0; }

# --- 3. Install, run, purge -----------------------------------------------------
((EUID == 0)) || die "installing needs root (or use --no-install)"
if dpkg-query -W -f='${db:Status-Abbrev}' pharos-pulse 2>/dev/null | grep -q '^[ih]'; then
  die "pharos-pulse is already installed here; this test would replace and purge it"
fi
for path in /etc/pharos /var/lib/pharos-pulse; do
  [[ ! -e $path ]] || die "$path exists; purging the test package would delete it"
done

installed=0
cleanup() {
  rm -rf "$control"
  if ((installed)); then
    log "purging after a failure"
    dpkg --purge pharos-pulse >/dev/null || true
  fi
}
trap cleanup EXIT

log "dpkg -i $(basename "$DEB")"
installed=1
dpkg -i "$DEB"

version_output=$(/usr/bin/pharos-pulse --version)
[[ $version_output == "pharos-pulse $VERSION" ]] ||
  fail "/usr/bin/pharos-pulse --version printed '$version_output'"
log "/usr/bin/pharos-pulse --version: $version_output"
zcat /usr/share/man/man1/pharos-pulse.1.gz | grep -q '^\.TH PHAROS-PULSE 1' ||
  fail "/usr/share/man/man1/pharos-pulse.1.gz is not the man page"
getent group pharos >/dev/null || fail "postinst did not create the pharos group"
grep -qx 'EnvironmentFile=-/etc/default/pharos-pulse' /usr/lib/systemd/system/pharos-pulse.service ||
  fail "the unit does not read /etc/default/pharos-pulse"
[[ -f /etc/default/pharos-pulse ]] || fail "no /etc/default/pharos-pulse after install"
[[ $(stat -c '%a %U %G' /etc/pharos 2>/dev/null) == '750 root pharos' ]] ||
  fail "/etc/pharos is '$(stat -c '%a %U %G' /etc/pharos 2>&1)', not '750 root pharos'"
[[ -z $(find /etc/pharos -mindepth 1 2>/dev/null) ]] || fail "postinst wrote into /etc/pharos"
[[ ! -e /var/lib/pharos-pulse ]] || fail "postinst created /var/lib/pharos-pulse"
if [[ -d /etc/systemd/system ]] &&
    [[ -n $(find /etc/systemd/system -name 'pharos-pulse*.service' 2>/dev/null) ]]; then
  fail "postinst enabled a unit"
fi
if [[ -d /run/systemd/system ]] && systemctl --quiet is-active pharos-pulse.service; then
  fail "postinst started pharos-pulse.service"
fi
if [[ -r /usr/share/bash-completion/completions/pharos-pulse ]]; then
  bash --norc -c 'source /usr/share/bash-completion/completions/pharos-pulse &&
    complete -p pharos-pulse' >/dev/null || fail "installed bash completion does not load"
fi

log "dpkg -i again (upgrade path)"
dpkg -i "$DEB"
/usr/bin/pharos-pulse --version >/dev/null || fail "--version after reinstall"

log "dpkg --purge pharos-pulse"
dpkg --purge pharos-pulse
installed=0
[[ ! -e /usr/bin/pharos-pulse ]] || fail "/usr/bin/pharos-pulse is still there after purge"
[[ ! -e /etc/pharos ]] || fail "/etc/pharos is still there after purge"
[[ ! -e /etc/default/pharos-pulse ]] || fail "/etc/default/pharos-pulse is still there after purge"
if dpkg-query -W -f='${db:Status-Abbrev}' pharos-pulse 2>/dev/null | grep -q '^[ih]'; then
  fail "dpkg still lists pharos-pulse after purge"
fi

((failures == 0)) || die "$failures check(s) failed"
log "package installs, runs and purges cleanly"
