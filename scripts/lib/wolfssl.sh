# wolfSSL for the static builds, from Debian's wolfssl source package: the
# TLS library of the static libcurl (about half the resident memory of
# OpenSSL for one verified HTTPS request; bench/RESULTS.md). Sourced by
# scripts/build-static.sh; a cross build passes its own --host and CC.
#
#   wolfssl_build SRCDIR PREFIX LOG [CONFIGURE_ARGS...]
#
# SRCDIR is the unpacked source (Debian's patches applied). Configures with
# WOLFSSL_CONFIGURE_ARGS plus CONFIGURE_ARGS (e.g. --host=...), compiler and
# flags from the environment (CC, CFLAGS, CPPFLAGS, LDFLAGS), and installs the
# static library and headers into PREFIX. The caller defines log.

# What libcurl needs and nothing older than TLS 1.2:
#   --enable-curl          the OpenSSL-compatible API libcurl's wolfssl.c uses
#   --enable-alpn          --enable-curl alone drops ALPN in 5.5.4
#   --enable-sni           the server name in the ClientHello
#   --enable-ip-alt-name   certificates issued for an IP address verify
#   --enable-opensslall    the rest of the OpenSSL-compatible API libcurl's
#                          configure probes for (the set the tests pass with)
#   --disable-oldtls       no TLS 1.0/1.1 (TLS 1.3 and 1.2 stay on)
# Not --enable-fpecc (Debian's binary package has it): its fixed-point cache
# holds 1.6 MiB of heap.
# shellcheck disable=SC2034  # used by the scripts that source this file
WOLFSSL_CONFIGURE_ARGS=(
  --disable-shared --enable-static
  --disable-dependency-tracking --disable-silent-rules
  --disable-examples --disable-crypttests --disable-benchmark
  --enable-curl --enable-alpn --enable-sni --enable-ip-alt-name
  --enable-opensslall --disable-oldtls
)

wolfssl_build() {
  local srcdir=$1 prefix=$2 blog=$3
  shift 3
  log "wolfssl: autoreconf -fi"
  (cd "$srcdir" && autoreconf -fi) >>"$blog" 2>&1
  log "wolfssl: configure ${*:-}"
  (cd "$srcdir" && ./configure --prefix="$prefix" --libdir="$prefix/lib" \
    "${WOLFSSL_CONFIGURE_ARGS[@]}" "$@") >>"$blog" 2>&1
  log "wolfssl: make -j${JOBS:-2}"
  {
    make -j"${JOBS:-2}" -C "$srcdir"
    make -C "$srcdir" install
  } >>"$blog" 2>&1
  rm -f "$prefix"/lib/*.la
}
