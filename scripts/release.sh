#!/usr/bin/env bash
# Make the release artifacts of one version in dist/.
#
#   scripts/release.sh VERSION [--static-build DIR] [--windows-build DIR]
#                      [--macos-build DIR] [--dist DIR]
#
#   VERSION          must be project(VERSION) in CMakeLists.txt, the one
#                    place the version lives, and have a section in
#                    CHANGELOG.md.
#   --static-build   default build-static: made by scripts/build-static.sh
#                    when it holds no build.
#   --windows-build  default build-windows: made by scripts/build-windows.sh
#                    when it holds no pharos-pulse.exe.
#   --macos-build    default build-macos: made by scripts/build-macos.sh
#                    when it holds no pharos-pulse.
#   --dist           default dist.
#
# Makes, from one `cmake --install` of the static build:
#   pharos-pulse_VERSION-1_amd64.deb       cpack; Debian and Ubuntu
#   pharos-pulse-VERSION-1.x86_64.rpm      rpmbuild, packaging/rpm/pharos-pulse.spec
#   pharos-pulse-VERSION-linux-x86_64.tar.gz   any Linux: ./install.sh [--prefix DIR]
#   pharos-pulse-VERSION-windows-x86_64.zip    pharos-pulse.exe and README-Windows.md
#   pharos-pulse-VERSION-macos-universal.tar.gz  macOS 11+: sudo ./install.sh
#                                          (packaging/macos/)
#   SHA256SUMS                             over all of them
# Each artifact carries THIRD-PARTY-LICENSES, the licences of what the
# binary links in. scripts/release-check.sh checks them.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }
log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'release: error: %s\n' "$*" >&2; exit 1; }

VERSION=
STATIC=$REPO/build-static
WINDOWS=$REPO/build-windows
MACOS=$REPO/build-macos
DIST=$REPO/dist
while (($# > 0)); do
  case $1 in
    -h|--help) usage; exit 0 ;;
    --static-build|--windows-build|--macos-build|--dist)
      (($# > 1)) || die "$1 needs a directory"
      case $1 in
        --static-build) STATIC=$2 ;;
        --windows-build) WINDOWS=$2 ;;
        --macos-build) MACOS=$2 ;;
        --dist) DIST=$2 ;;
      esac
      shift ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) [[ -z $VERSION ]] || die "one version only"; VERSION=$1 ;;
  esac
  shift
done
[[ -n $VERSION ]] || { usage >&2; exit 2; }

project_version=$(sed -n 's/^project(pharos-pulse VERSION \([^ ]*\).*/\1/p' "$REPO/CMakeLists.txt")
[[ $VERSION == "$project_version" ]] ||
  die "CMakeLists.txt says version $project_version, not $VERSION: change project(VERSION) first"
grep -q "^## \[$VERSION\] - [0-9]\{4\}-[0-9][0-9]-[0-9][0-9]$" "$REPO/CHANGELOG.md" ||
  die "CHANGELOG.md has no '## [$VERSION] - YYYY-MM-DD' section"
for tool in cpack rpmbuild zip sha256sum llvm-strip-14; do
  command -v "$tool" >/dev/null || die "missing $tool: run scripts/install-deps.sh --all"
done

# Timestamps inside the archives come from the last commit, so the same
# commit makes the same tarball and zip.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$REPO" log -1 --format=%ct)}

# --- The builds -----------------------------------------------------------------
[[ -x $STATIC/pharos-pulse ]] || bash "$REPO/scripts/build-static.sh" "$STATIC"
STATIC=$(cd "$STATIC" && pwd)
readelf -l "$STATIC/pharos-pulse" | grep -q 'Requesting program interpreter' &&
  die "$STATIC/pharos-pulse is not a static binary"
[[ -s $STATIC/THIRD-PARTY-LICENSES ]] || die "no $STATIC/THIRD-PARTY-LICENSES: run scripts/build-static.sh"
[[ -s $WINDOWS/THIRD-PARTY-LICENSES ]] || die "no $WINDOWS/THIRD-PARTY-LICENSES: run scripts/build-windows.sh"
cmake -S "$REPO" -B "$STATIC" -DPULSE_THIRD_PARTY_LICENSES="$STATIC/THIRD-PARTY-LICENSES" >/dev/null
cmake --build "$STATIC" --target pharos-pulse pulse_man_pages pulse_changelogs >/dev/null
[[ -f $WINDOWS/pharos-pulse.exe ]] || bash "$REPO/scripts/build-windows.sh" "$WINDOWS"
[[ -f $MACOS/pharos-pulse ]] || bash "$REPO/scripts/build-macos.sh" "$MACOS"
bash "$REPO/scripts/check-macos.sh" "$MACOS"
[[ -s $MACOS/THIRD-PARTY-LICENSES ]] || die "no $MACOS/THIRD-PARTY-LICENSES: run scripts/build-macos.sh"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rm -rf "$DIST"
mkdir -p "$DIST"
DIST=$(cd "$DIST" && pwd)

# --- .deb -------------------------------------------------------------------------
log "pharos-pulse_$VERSION-1_amd64.deb (cpack)"
(cd "$STATIC" && cpack -G DEB -B "$work/deb" >/dev/null)
cp "$work/deb/pharos-pulse_$VERSION-1_amd64.deb" "$DIST/"

# --- the staged tree the .rpm and the tarball are made of ---------------------------
stage=$work/stage
DESTDIR=$stage cmake --install "$STATIC" --prefix /usr --strip >/dev/null

# --- .rpm -------------------------------------------------------------------------
log "pharos-pulse-$VERSION-1.x86_64.rpm (rpmbuild)"
rpmbuild -bb --quiet --target x86_64 \
  --define "_topdir $work/rpm" --define "version $VERSION" --define "stage $stage" \
  --define "_buildhost reproducible" --define "use_source_date_epoch_as_buildtime 1" \
  "$REPO/packaging/rpm/pharos-pulse.spec" >/dev/null
cp "$work/rpm/RPMS/x86_64/pharos-pulse-$VERSION-1.x86_64.rpm" "$DIST/"

# --- tarball ----------------------------------------------------------------------
name=pharos-pulse-$VERSION-linux-x86_64
log "$name.tar.gz"
tree=$work/$name
mkdir -p "$tree/etc/default"
cp -a "$stage/usr/bin" "$stage/usr/lib" "$stage/usr/share" "$tree/"
cp "$stage/etc/default/pharos-pulse" "$tree/etc/default/"
rm -r "$tree/share/lintian" "$tree/share/doc/pharos-pulse/changelog.Debian.gz"
cp "$REPO/packaging/tarball/install.sh" "$tree/"
cp "$REPO/README.md" "$REPO/CHANGELOG.md" "$REPO/LICENSE" "$STATIC/THIRD-PARTY-LICENSES" "$tree/"
tar -C "$work" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
  -cf - "$name" | gzip -9 -n >"$DIST/$name.tar.gz"

# --- Windows zip --------------------------------------------------------------------
name=pharos-pulse-$VERSION-windows-x86_64
log "$name.zip"
tree=$work/$name
mkdir -p "$tree"
x86_64-w64-mingw32-strip -o "$tree/pharos-pulse.exe" "$WINDOWS/pharos-pulse.exe"
{
  echo "# pharos-pulse $VERSION for Windows"
  echo
  sed -n '/^## Windows$/,/^## /p' "$REPO/README.md" | sed '1d;$d'
} >"$tree/README-Windows.md"
cp "$REPO/LICENSE" "$REPO/CHANGELOG.md" "$tree/"
cp "$WINDOWS/THIRD-PARTY-LICENSES" "$tree/"
find "$tree" -exec touch -d "@$SOURCE_DATE_EPOCH" {} +
(cd "$work" && zip -q -X -r "$DIST/$name.zip" "$name")

# --- macOS tarball ------------------------------------------------------------------
# Laid out as packaging/macos/install.sh expects it.
name=pharos-pulse-$VERSION-macos-universal
log "$name.tar.gz"
tree=$work/$name
mkdir -p "$tree/man" "$tree/completions" "$tree/launchd"
llvm-strip-14 -o "$tree/pharos-pulse" "$MACOS/pharos-pulse"
cp "$REPO/man/pharos-pulse.1" "$REPO/man/pharos-pulse.toml.5" "$tree/man/"
cp "$REPO/completions/pharos-pulse.bash" "$REPO/completions/_pharos-pulse" \
  "$REPO/completions/pharos-pulse.fish" "$tree/completions/"
cp "$REPO/examples/launchd/net.pharos.pulse.plist" "$REPO/examples/launchd/pharos-pulse.newsyslog.conf" \
  "$tree/launchd/"
cp "$REPO/packaging/macos/install.sh" "$REPO/packaging/macos/uninstall.sh" "$tree/"
cp "$REPO/README.md" "$REPO/CHANGELOG.md" "$REPO/LICENSE" "$MACOS/THIRD-PARTY-LICENSES" "$tree/"
chmod 0755 "$tree/pharos-pulse" "$tree/install.sh" "$tree/uninstall.sh"
tar -C "$work" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
  -cf - "$name" | gzip -9 -n >"$DIST/$name.tar.gz"

# --- checksums ----------------------------------------------------------------------
(cd "$DIST" && sha256sum -- *.deb *.rpm *.tar.gz *.zip >SHA256SUMS)
log "dist/:"
(cd "$DIST" && ls -l)
