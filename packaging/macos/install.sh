#!/bin/sh
# Installs pharos-pulse on macOS from this directory (the release tarball
# pharos-pulse-<version>-macos-universal.tar.gz, laid out as
#   pharos-pulse              the universal binary (arm64 and x86_64)
#   man/                      pharos-pulse.1, pharos-pulse.toml.5
#   completions/              pharos-pulse.bash, _pharos-pulse, pharos-pulse.fish
#   launchd/                  net.pharos.pulse.plist, pharos-pulse.newsyslog.conf
# beside this script).
#
#   sudo ./install.sh
#
#   DESTDIR  (environment) install under this root instead of /, for tests.
#
# Puts the binary in /usr/local/bin, the man pages and completions under
# /usr/local/share, the launch daemon in /Library/LaunchDaemons and its log
# rotation in /etc/newsyslog.d; creates /etc/pharos and /var/db/pharos-pulse
# (0755) when missing. It never loads or starts the job: enroll first, then
#   sudo launchctl bootstrap system /Library/LaunchDaemons/net.pharos.pulse.plist
# ./uninstall.sh removes it again.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
case ${1:-} in
"") ;;
-h | --help) sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
*) echo "install.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
esac
root=${DESTDIR:-}
root=${root%/}

# put SOURCE TARGET MODE: replaces TARGET in one rename, so a running job
# never sees half a file.
put() {
    mkdir -p "$(dirname "$root$2")"
    cp "$here/$1" "$root$2.new"
    chmod "$3" "$root$2.new"
    mv -f "$root$2.new" "$root$2"
}

put pharos-pulse /usr/local/bin/pharos-pulse 0755
put man/pharos-pulse.1 /usr/local/share/man/man1/pharos-pulse.1 0644
put man/pharos-pulse.toml.5 /usr/local/share/man/man5/pharos-pulse.toml.5 0644
put completions/pharos-pulse.bash /usr/local/share/bash-completion/completions/pharos-pulse 0644
# In the fpath of macOS's own zsh.
put completions/_pharos-pulse /usr/local/share/zsh/site-functions/_pharos-pulse 0644
put completions/pharos-pulse.fish /usr/local/share/fish/vendor_completions.d/pharos-pulse.fish 0644
# launchd refuses a job file others may write; run as root, both files are
# root's, group wheel from their directories.
put launchd/net.pharos.pulse.plist /Library/LaunchDaemons/net.pharos.pulse.plist 0644
put launchd/pharos-pulse.newsyslog.conf /etc/newsyslog.d/pharos-pulse.conf 0644

# Only when missing: an existing directory is the administrator's.
for dir in /etc/pharos /var/db/pharos-pulse; do
    if [ ! -e "$root$dir" ]; then
        mkdir -p "$root$dir"
        chmod 0755 "$root$dir"
    fi
done

echo "installed pharos-pulse in ${root:-/} (nothing loaded or started). Next:"
echo "  sudo pharos-pulse enroll --server URL --token-file FILE"
echo "  sudo launchctl bootstrap system /Library/LaunchDaemons/net.pharos.pulse.plist"
