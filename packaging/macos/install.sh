#!/bin/sh
# Installs pharos-pulse from this directory (the macOS release tarball) on
# macOS 11 or later, Apple silicon or Intel: the universal binary, man pages,
# shell completions, the launchd plist and the newsyslog rule of its log.
#
#   sudo ./install.sh [--uninstall]
#
#   --uninstall   remove what the install put there; the config and key
#                 (/etc/pharos) and the state directory stay. Stop the
#                 daemon first: sudo launchctl bootout system/net.pharos.pulse
#   DESTDIR       (environment) install under this root instead of /, for
#                 packagers and tests.
#
# Files: /usr/local/bin/pharos-pulse, /usr/local/share/{man,bash-completion,
# zsh,fish}/..., /Library/LaunchDaemons/net.pharos.pulse.plist (root:wheel
# 0644, as launchd requires) and /etc/newsyslog.d/pharos-pulse.conf. It
# creates /etc/pharos (0750) and the state directory /var/db/pharos-pulse
# (0700), and never loads the daemon.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
prefix=/usr/local
uninstall=0
while [ $# -gt 0 ]; do
    case $1 in
    --uninstall) uninstall=1 ;;
    -h | --help) sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
    shift
done
root=${DESTDIR:-}
root=${root%/}
plist=/Library/LaunchDaemons/net.pharos.pulse.plist
rule=/etc/newsyslog.d/pharos-pulse.conf

# Every file of the tarball that goes under the prefix, relative to it.
files() {
    (cd "$here" && find bin share -type f | LC_ALL=C sort)
}

if [ "$uninstall" = 1 ]; then
    files | while read -r file; do
        rm -f "$root$prefix/$file"
    done
    rm -f "$root$plist" "$root$rule"
    echo "removed pharos-pulse from $root$prefix, $root$plist and $root$rule; kept /etc/pharos and /var/db/pharos-pulse"
    exit 0
fi

# install_file SOURCE TARGET MODE: replaced in one rename, owned by root when
# installed for real.
install_file() {
    mkdir -p "$(dirname "$2")"
    cp "$1" "$2.new"
    chmod "$3" "$2.new"
    if [ -z "$root" ] && [ "$(id -u)" = 0 ]; then
        chown root:wheel "$2.new"
    fi
    mv "$2.new" "$2"
}

files | while read -r file; do
    case $file in
    bin/*) mode=0755 ;;
    *) mode=0644 ;;
    esac
    install_file "$here/$file" "$root$prefix/$file" "$mode"
done
install_file "$here/net.pharos.pulse.plist" "$root$plist" 0644
install_file "$here/pharos-pulse.newsyslog.conf" "$root$rule" 0644

# Only when missing: an existing directory is the administrator's.
if [ ! -e "$root/etc/pharos" ]; then
    mkdir -p "$root/etc/pharos"
    chmod 0750 "$root/etc/pharos"
fi
if [ ! -e "$root/var/db/pharos-pulse" ]; then
    mkdir -p "$root/var/db/pharos-pulse"
    chmod 0700 "$root/var/db/pharos-pulse"
fi

echo "installed pharos-pulse in $root$prefix and $root$plist (not loaded). Next:"
echo "  sudo $prefix/bin/pharos-pulse enroll --server URL --token-file FILE"
echo "  sudo launchctl bootstrap system $plist"
