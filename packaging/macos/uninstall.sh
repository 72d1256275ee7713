#!/bin/sh
# Removes what install.sh put in place. On the running system (no DESTDIR)
# it first stops the launch daemon, which sends OFFLINE. The config and key
# (/etc/pharos), the state (/var/db/pharos-pulse) and the log stay.
#
#   sudo ./uninstall.sh
#
#   DESTDIR  (environment) remove under this root instead of /, for tests.
set -eu

case ${1:-} in
"") ;;
-h | --help) sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
*) echo "uninstall.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
esac
root=${DESTDIR:-}
root=${root%/}

if [ -z "$root" ] && launchctl print system/net.pharos.pulse >/dev/null 2>&1; then
    launchctl bootout system/net.pharos.pulse
fi
for file in \
    /Library/LaunchDaemons/net.pharos.pulse.plist \
    /etc/newsyslog.d/pharos-pulse.conf \
    /usr/local/bin/pharos-pulse \
    /usr/local/share/man/man1/pharos-pulse.1 \
    /usr/local/share/man/man5/pharos-pulse.toml.5 \
    /usr/local/share/bash-completion/completions/pharos-pulse \
    /usr/local/share/zsh/site-functions/_pharos-pulse \
    /usr/local/share/fish/vendor_completions.d/pharos-pulse.fish; do
    rm -f "$root$file"
done
echo "removed pharos-pulse from ${root:-/}; kept /etc/pharos, /var/db/pharos-pulse and /var/log/pharos-pulse.log"
