# The libcurl both static builds configure: HTTP and HTTPS through a proxy,
# everything else off. Sourced by scripts/build-static.sh and
# scripts/build-windows.sh, which add the TLS backend and CA settings.
# shellcheck disable=SC2034  # used by the scripts that source this file
CURL_HTTP_ONLY_ARGS=(
  --disable-shared --enable-static
  --disable-dependency-tracking --disable-silent-rules
  --disable-debug --disable-curldebug --disable-warnings --disable-werror
  --disable-netrc
  --enable-http --enable-proxy --enable-ipv6
  --disable-ftp --disable-file --disable-ldap --disable-ldaps --disable-rtsp
  --disable-dict --disable-telnet --disable-tftp --disable-pop3 --disable-imap
  --disable-smb --disable-smtp --disable-gopher --disable-mqtt
  --disable-websockets
  --disable-manual --disable-libcurl-option
  --disable-cookies --disable-alt-svc --disable-hsts --disable-doh
  --disable-ntlm-wb --disable-tls-srp --disable-get-easy-options
  --disable-progress-meter
  --without-libidn2 --without-libpsl --without-brotli --without-zstd
  --without-nghttp2 --without-ngtcp2 --without-nghttp3 --without-quiche
  --without-msh3 --without-hyper --without-librtmp --without-libssh2
  --without-libssh --without-wolfssh --without-libgsasl
  --without-zsh-functions-dir --without-fish-functions-dir
)
