# Fetch and unpack Debian source packages through a private apt configuration.
# Sourced by scripts/build-static.sh and scripts/build-windows.sh.
#
#   debian_source_newest DEPS PACKAGE           # prints the newest revision offered
#   debian_source_fetch DEPS PACKAGE VERSION    # sets DSC to the .dsc path
#   debian_source_unpack DSC DIR LOG            # dpkg-source -x: Debian's patches applied
#   debian_source_revert_patches DIR LOG PATCH...  # un-apply patches, last applied first
#   deps_cache_dir NAME                         # prints where NAME's builds are kept
#   recipe_id RECIPE                            # prints a short hash naming a recipe
#   deps_cache_open NAME                        # sets DEPS, locks it on fd 9
#
# apt-get runs with its own sources.list (deb-src lines only), lists and cache
# under DEPS/apt, so the system's package lists are never touched. Downloads
# are kept in DEPS/src and fetched once per PACKAGE=VERSION. No revision is
# pinned: a security update removes the previous one from the archive, so the
# builds take the newest one bookworm and bookworm-security offer (the lists
# are refreshed when a day old) and record it.
#
# Environment: DEBIAN_MIRROR, DEBIAN_SECURITY_MIRROR, DEBIAN_SUITE (defaults
# deb.debian.org, bookworm). The caller defines log and die.

DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
DEBIAN_SECURITY_MIRROR=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
DEBIAN_SUITE=${DEBIAN_SUITE:-bookworm}

# Libraries built from Debian source are kept outside every build tree and
# clone (PULSE_DEPS_CACHE, default ~/.cache/pharos-pulse), each in a
# directory named by its recipe: a fresh clone (CI) reuses what an earlier
# build made, and a changed recipe builds beside the old one.
deps_cache_dir() {
  printf '%s/%s\n' "${PULSE_DEPS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pharos-pulse}" "$1"
}
recipe_id() { sha256sum <<<"$1" | cut -c1-16; }

# Sets DEPS to NAME's cache directory and takes its lock on fd 9: one build of
# the libraries at a time; the caller closes fd 9 before building its own code.
deps_cache_open() {
  DEPS=$(deps_cache_dir "$1")
  mkdir -p "$DEPS"
  exec 9>"$DEPS/.lock"
  flock -n 9 || { log "waiting for another build using $DEPS"; flock 9; }
}

# The private apt configuration: sets APT_OPTS, writes DEPS/apt/sources.list.
debian_source_apt() {
  local apt=$1/apt
  mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial"
  local keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  local signed_by=""
  [[ -r $keyring ]] && signed_by="[signed-by=$keyring] "
  cat >"$apt/sources.list" <<SOURCES
deb-src ${signed_by}$DEBIAN_MIRROR $DEBIAN_SUITE main
deb-src ${signed_by}$DEBIAN_MIRROR $DEBIAN_SUITE-updates main
deb-src ${signed_by}$DEBIAN_SECURITY_MIRROR $DEBIAN_SUITE-security main
SOURCES
  APT_OPTS=(
    -o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=-
    -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache"
    -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=
    -o "APT::Sandbox::User=$(id -un)" -o APT::Get::Only-Source=true
  )
  # One update a day per DEPS directory: later packages reuse its lists. Lists
  # that cannot be refreshed (offline) are used as they are.
  if [[ -z $(find "$apt/.updated" -mmin -1440 2>/dev/null) ]]; then
    log "apt-get update (private lists in $apt/lists)"
    if apt-get "${APT_OPTS[@]}" -q update >&2; then
      touch "$apt/.updated"
    elif [[ -e $apt/.updated ]]; then
      log "apt-get update failed: using the lists of $(date -r "$apt/.updated" -u +%F)"
    else
      die "apt-get update failed and there are no earlier lists in $apt/lists"
    fi
  fi
}

debian_source_newest() {
  local deps=$1 package=$2 v newest=
  debian_source_apt "$deps"
  while read -r v; do
    if [[ -z $newest ]] || dpkg --compare-versions "$v" gt "$newest"; then newest=$v; fi
  done < <(apt-cache "${APT_OPTS[@]}" showsrc "$package" 2>/dev/null | sed -n 's/^Version: //p')
  [[ -n $newest ]] || die "no source of $package is offered by $DEBIAN_SUITE or $DEBIAN_SUITE-security" \
    "($DEBIAN_MIRROR, $DEBIAN_SECURITY_MIRROR)"
  printf '%s\n' "$newest"
}

debian_source_fetch() {
  local deps=$1 package=$2 version=$3
  local src=$deps/src
  DSC=$src/${package}_${version#*:}.dsc
  if [[ -e $src/.complete-$package-$version ]]; then
    log "$package $version source: cached in $src"
    return
  fi
  mkdir -p "$src"
  debian_source_apt "$deps"
  log "apt-get source $package=$version"
  if ! (cd "$src" && apt-get "${APT_OPTS[@]}" -q source --download-only "$package=$version" >&2); then
    log "versions of $package's source that the mirrors offer:"
    apt-cache "${APT_OPTS[@]}" showsrc "$package" | sed -n 's/^Version: /  /p' >&2 || true
    die "$package $version is not on $DEBIAN_MIRROR or $DEBIAN_SECURITY_MIRROR"
  fi
  [[ -e $DSC ]] || die "apt-get source left no $DSC"
  touch "$src/.complete-$package-$version"
}

debian_source_unpack() {
  local dsc=$1 dir=$2 blog=$3
  log "dpkg-source -x $(basename "$dsc") (applies Debian's patches)"
  # --no-check: the .dsc's signature needs the debian-keyring package;
  # apt-get source already checked every file against the signed Sources
  # index, and dpkg-source -x still checks the .dsc's checksums.
  dpkg-source --no-check -x "$dsc" "$dir" >>"$blog" 2>&1
}

debian_source_revert_patches() {
  local dir=$1 blog=$2 p
  shift 2
  for p in "$@"; do
    log "reverting debian/patches/$p.patch"
    grep -qx "$p.patch" "$dir/.pc/applied-patches" || die "$p.patch is not applied"
    patch -d "$dir" -p1 -R -s -f --no-backup-if-mismatch --dry-run <"$dir/debian/patches/$p.patch" >>"$blog" 2>&1 \
      || die "$p.patch does not revert cleanly"
    patch -d "$dir" -p1 -R -s -f --no-backup-if-mismatch <"$dir/debian/patches/$p.patch" >>"$blog" 2>&1
    sed -i "/^$p\.patch\$/d" "$dir/.pc/applied-patches"
    rm -rf "$dir/.pc/$p.patch"
  done
}
