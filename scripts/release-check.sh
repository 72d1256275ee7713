#!/usr/bin/env bash
# Check what scripts/release.sh made, the way users get it.
#
#   scripts/release-check.sh [--dist DIR] [--static-build DIR]
#
#  1. sha256sum -c SHA256SUMS.
#  2. The .deb: scripts/package-test.sh (metadata, contents, lintian
#     --pedantic silent with a reason for each override, and as root dpkg -i,
#     upgrade and purge on this system).
#  3. The .rpm: rpm -qlp lists the same programs, pages and units as the
#     .deb; rpm -qp --scripts never enables or starts a unit; installed into
#     a scratch root with `rpm --root DIR -i --nodeps --noscripts` (the
#     scriptlets need a /bin/sh there; they are syntax-checked instead).
#  4. The tarball: install.sh into a scratch root (DESTDIR), at the default
#     prefix and at --prefix /opt/pharos-pulse: files, modes, /etc/pharos and
#     the state directory, units naming the installed binary, nothing
#     enabled; then --uninstall leaves only the config and state directories.
#  5. The zip holds pharos-pulse.exe, README-Windows.md and the licences.
#  6. The macOS tarball: its files, the binary's two architectures, minimum
#     macOS and libraries (scripts/check-macos.sh); install.sh into a
#     scratch root (DESTDIR): files, modes, /etc/pharos and
#     /var/db/pharos-pulse; then uninstall.sh leaves only those directories.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DIST=$REPO/dist
STATIC=$REPO/build-static
log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'release-check: error: %s\n' "$*" >&2; exit 1; }
failures=0
fail() { printf 'release-check: FAIL: %s\n' "$*" >&2; failures=$((failures + 1)); }

while (($# > 0)); do
  case $1 in
    -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    --dist) DIST=$2; shift ;;
    --static-build) STATIC=$2; shift ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
  shift
done
VERSION=$(sed -n 's/^project(pharos-pulse VERSION \([^ ]*\).*/\1/p' "$REPO/CMakeLists.txt")
DEB=$DIST/pharos-pulse_${VERSION}-1_amd64.deb
RPM=$DIST/pharos-pulse-$VERSION-1.x86_64.rpm
TARBALL=$DIST/pharos-pulse-$VERSION-linux-x86_64.tar.gz
ZIP=$DIST/pharos-pulse-$VERSION-windows-x86_64.zip
MACOS_TARBALL=$DIST/pharos-pulse-$VERSION-macos-universal.tar.gz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

log "sha256sum -c SHA256SUMS"
(cd "$DIST" && sha256sum --quiet -c SHA256SUMS) || fail "checksums do not match"
for artifact in "$DEB" "$RPM" "$TARBALL" "$ZIP" "$MACOS_TARBALL"; do
  grep -q " $(basename "$artifact")\$" "$DIST/SHA256SUMS" || fail "SHA256SUMS misses $(basename "$artifact")"
done

log "the .deb"
bash "$REPO/scripts/package-test.sh" "$STATIC" --deb "$DEB" || fail "package-test.sh on the .deb"

log "the .rpm: rpm -qlp, rpm -qp --scripts, rpm --root"
rpm_files=$(rpm -qlp "$RPM" 2>/dev/null)
for file in /usr/bin/pharos-pulse /usr/share/man/man1/pharos-pulse.1.gz \
    /usr/lib/systemd/system/pharos-pulse.service /usr/lib/tmpfiles.d/pharos-pulse.conf \
    /usr/share/doc/pharos-pulse/THIRD-PARTY-LICENSES /etc/sysconfig/pharos-pulse /etc/pharos; do
  grep -qx "$file" <<<"$rpm_files" || fail "rpm -qlp: no $file"
done
grep -q '^/etc/default\|lintian\|changelog.Debian' <<<"$rpm_files" && fail "rpm -qlp: Debian files in the rpm"
scripts=$(rpm -qp --scripts "$RPM" 2>/dev/null)
grep -q 'postinstall scriptlet' <<<"$scripts" || fail "rpm -qp --scripts: no %post"
if grep -v '^ *#' <<<"$scripts" | grep -Ewq 'enable|start|preset'; then
  fail "an rpm scriptlet enables or starts a unit: $scripts"
fi
for tag in PREIN POSTIN PREUN POSTUN; do
  rpm -qp --qf "%{$tag}" "$RPM" 2>/dev/null | sh -n || fail "rpm: the %{$tag} scriptlet is no valid sh"
done
# --noscripts: the scratch root has no /bin/sh to run them in.
rpm_root=$work/rpm-root
mkdir -p "$rpm_root"
rpm --root "$rpm_root" --dbpath /var/lib/rpm -i --nodeps --noscripts "$RPM" ||
  fail "rpm --root -i failed"
[[ -x $rpm_root/usr/bin/pharos-pulse ]] || fail "rpm --root: no /usr/bin/pharos-pulse"
"$rpm_root/usr/bin/pharos-pulse" --version | grep -qx "pharos-pulse $VERSION" ||
  fail "rpm --root: the binary does not say version $VERSION"
grep -q '^EnvironmentFile=-/etc/sysconfig/pharos-pulse$' \
  "$rpm_root/usr/lib/systemd/system/pharos-pulse.service" || fail "rpm: the unit reads no /etc/sysconfig file"
[[ $(stat -c %a "$rpm_root/etc/pharos") == 750 ]] || fail "rpm: /etc/pharos is not 0750"
rpm --root "$rpm_root" --dbpath /var/lib/rpm -q pharos-pulse >/dev/null || fail "rpm -q after install"

log "the tarball: install.sh and --uninstall in a scratch root"
tar -C "$work" -xzf "$TARBALL"
tree=$work/pharos-pulse-$VERSION-linux-x86_64
for prefix in /usr/local /opt/pharos-pulse; do
  root=$work/root${prefix//\//-}
  args=()
  [[ $prefix == /usr/local ]] || args=(--prefix "$prefix")
  DESTDIR=$root "$tree/install.sh" "${args[@]}" >/dev/null || fail "install.sh ${args[*]} failed"
  [[ $(stat -c %a "$root$prefix/bin/pharos-pulse") == 755 ]] || fail "$prefix/bin/pharos-pulse is not 0755"
  "$root$prefix/bin/pharos-pulse" --version | grep -qx "pharos-pulse $VERSION" || fail "installed --version"
  for file in share/man/man1/pharos-pulse.1.gz share/bash-completion/completions/pharos-pulse \
      lib/tmpfiles.d/pharos-pulse.conf share/doc/pharos-pulse/THIRD-PARTY-LICENSES; do
    [[ $(stat -c %a "$root$prefix/$file" 2>/dev/null) == 644 ]] || fail "$prefix/$file missing or not 0644"
  done
  grep -q "^ExecStart=$prefix/bin/pharos-pulse run\$" "$root$prefix/lib/systemd/system/pharos-pulse.service" ||
    fail "the installed unit does not run $prefix/bin/pharos-pulse"
  grep -q "$prefix/lib/pharos-pulse/pharos-pulse-offline" \
    "$root$prefix/lib/systemd/system/pharos-pulse-offline.service" || fail "the hook unit's path"
  [[ $(stat -c %a "$root/etc/pharos") == 750 ]] || fail "install.sh: /etc/pharos is not 0750"
  [[ $(stat -c %a "$root/var/lib/pharos-pulse") == 700 ]] || fail "install.sh: the state dir is not 0700"
  [[ -f $root/etc/default/pharos-pulse ]] || fail "install.sh: no /etc/default/pharos-pulse"
  [[ ! -e $root/etc/systemd ]] || fail "install.sh enabled something: $(find "$root/etc/systemd")"
  DESTDIR=$root "$tree/install.sh" "${args[@]}" --uninstall >/dev/null || fail "install.sh --uninstall"
  left=$(cd "$root" && find . -type f | sort | tr '\n' ' ')
  [[ $left == './etc/default/pharos-pulse ' ]] || fail "--uninstall left: $left"
  [[ -d $root/etc/pharos && -d $root/var/lib/pharos-pulse ]] || fail "--uninstall removed config or state"
done

log "the zip"
listing=$(unzip -Z1 "$ZIP")
for file in pharos-pulse.exe README-Windows.md LICENSE THIRD-PARTY-LICENSES; do
  grep -qx "pharos-pulse-$VERSION-windows-x86_64/$file" <<<"$listing" || fail "the zip has no $file"
done

log "the macOS tarball: files, binary, install.sh and uninstall.sh in a scratch root"
tar -C "$work" -xzf "$MACOS_TARBALL"
tree=$work/pharos-pulse-$VERSION-macos-universal
for file in pharos-pulse install.sh uninstall.sh LICENSE THIRD-PARTY-LICENSES man/pharos-pulse.1 \
    man/pharos-pulse.toml.5 completions/pharos-pulse.bash completions/_pharos-pulse \
    completions/pharos-pulse.fish launchd/net.pharos.pulse.plist launchd/pharos-pulse.newsyslog.conf; do
  [[ -f $tree/$file ]] || fail "the macOS tarball has no $file"
done
bash "$REPO/scripts/check-macos.sh" "$tree" || fail "the macOS tarball's binary"
root=$work/root-macos
DESTDIR=$root sh "$tree/install.sh" >/dev/null || fail "macOS install.sh failed"
[[ $(stat -c %a "$root/usr/local/bin/pharos-pulse" 2>/dev/null) == 755 ]] ||
  fail "macOS: /usr/local/bin/pharos-pulse missing or not 0755"
cmp -s "$tree/pharos-pulse" "$root/usr/local/bin/pharos-pulse" || fail "macOS: the installed binary differs"
for file in usr/local/share/man/man1/pharos-pulse.1 usr/local/share/zsh/site-functions/_pharos-pulse \
    Library/LaunchDaemons/net.pharos.pulse.plist etc/newsyslog.d/pharos-pulse.conf; do
  [[ $(stat -c %a "$root/$file" 2>/dev/null) == 644 ]] || fail "macOS: /$file missing or not 0644"
done
[[ -d $root/etc/pharos && -d $root/var/db/pharos-pulse ]] || fail "macOS install.sh: no /etc/pharos or state dir"
DESTDIR=$root sh "$tree/uninstall.sh" >/dev/null || fail "macOS uninstall.sh failed"
left=$(cd "$root" && find . -type f | sort | tr '\n' ' ')
[[ -z $left ]] || fail "macOS uninstall.sh left: $left"
[[ -d $root/etc/pharos && -d $root/var/db/pharos-pulse ]] || fail "macOS uninstall.sh removed config or state"

((failures == 0)) || die "$failures check(s) failed"
log "all release artifacts check out"
