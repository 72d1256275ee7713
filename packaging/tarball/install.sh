#!/bin/sh
# Installs pharos-pulse from this directory (the release tarball) on any
# x86_64 Linux: the static binary, man pages, shell completions, systemd units,
# the tmpfiles.d rule and an example environment file.
#
#   ./install.sh [--prefix DIR] [--uninstall]
#
#   --prefix DIR  where the files go (default /usr/local): DIR/bin,
#                 DIR/share/man, DIR/lib/systemd/system, ...
#   --uninstall   remove what an install with the same prefix put there; the
#                 config (/etc/pharos), the key, /etc/default/pharos-pulse
#                 and the state directory stay, as with `apt remove`.
#   DESTDIR       (environment) install under this root instead of /, for
#                 packagers and tests.
#
# It creates /etc/pharos (0750; group pharos when run as root on the real
# system) and the state directory /var/lib/pharos-pulse (0700), and never
# enables or starts a service.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
prefix=/usr/local
uninstall=0
while [ $# -gt 0 ]; do
    case $1 in
    --prefix) [ $# -gt 1 ] || { echo "install.sh: --prefix needs a directory" >&2; exit 2; }
        prefix=$2; shift ;;
    --prefix=*) prefix=${1#--prefix=} ;;
    --uninstall) uninstall=1 ;;
    -h | --help) sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
    shift
done
case $prefix in
/*) ;;
*) echo "install.sh: --prefix must be an absolute path, not '$prefix'" >&2; exit 2 ;;
esac
prefix=${prefix%/}
root=${DESTDIR:-}
root=${root%/}

# Every file this tarball installs, relative to the prefix.
files() {
    (cd "$here" && find bin lib share -type f | LC_ALL=C sort)
}

if [ "$uninstall" = 1 ]; then
    files | while read -r file; do
        rm -f "$root$prefix/$file"
    done
    for dir in lib/pharos-pulse share/doc/pharos-pulse; do
        rmdir "$root$prefix/$dir" 2>/dev/null || true
    done
    echo "removed pharos-pulse from $root$prefix; kept /etc/pharos, /etc/default/pharos-pulse and /var/lib/pharos-pulse"
    exit 0
fi

files | while read -r file; do
    case $file in
    bin/* | lib/pharos-pulse/*) mode=0755 ;;
    *) mode=0644 ;;
    esac
    target=$root$prefix/$file
    mkdir -p "$(dirname "$target")"
    case $file in
    lib/systemd/system/* | lib/pharos-pulse/*)
        # The units and the hook name the binary and the hook by path.
        sed -e "s|/usr/bin/pharos-pulse|$prefix/bin/pharos-pulse|g" \
            -e "s|/usr/lib/pharos-pulse/|$prefix/lib/pharos-pulse/|g" "$here/$file" >"$target.new"
        chmod "$mode" "$target.new"
        mv "$target.new" "$target"
        ;;
    *)
        cp "$here/$file" "$target.new"
        chmod "$mode" "$target.new"
        mv "$target.new" "$target"
        ;;
    esac
done

mkdir -p "$root/etc/default"
if [ ! -e "$root/etc/default/pharos-pulse" ]; then
    cp "$here/etc/default/pharos-pulse" "$root/etc/default/pharos-pulse"
    chmod 0644 "$root/etc/default/pharos-pulse"
fi
# Only when missing: an existing directory is the administrator's.
if [ ! -e "$root/etc/pharos" ]; then
    mkdir -p "$root/etc/pharos"
    chmod 0750 "$root/etc/pharos"
    if [ -z "$root" ] && [ "$(id -u)" = 0 ]; then
        getent group pharos >/dev/null || groupadd --system pharos
        chgrp pharos /etc/pharos
    fi
fi
if [ ! -e "$root/var/lib/pharos-pulse" ]; then
    mkdir -p "$root/var/lib/pharos-pulse"
    chmod 0700 "$root/var/lib/pharos-pulse"
fi

echo "installed pharos-pulse in $root$prefix (nothing enabled or started). Next:"
echo "  $prefix/bin/pharos-pulse enroll --server URL --token-file FILE"
case $prefix in
/usr | /usr/local) echo "  systemctl daemon-reload && systemctl enable --now pharos-pulse" ;;
*) echo "  systemctl link $prefix/lib/systemd/system/pharos-pulse.service && systemctl enable --now pharos-pulse" ;;
esac
