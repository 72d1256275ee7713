#!/bin/sh
# make-certs.sh DIR — make the TLS material the integration tests need, with
# the openssl CLI, at test time (nothing is committed).
#
#   ca.pem ca.key                 the test CA
#   server.pem server.key         server cert for 127.0.0.1 / localhost, signed by the CA
#   other-ca.pem other-ca.key     a second CA that nobody trusts
#   other-server.pem/.key         a cert for 127.0.0.1 / localhost signed by the other CA
#   expired.pem expired.key       127.0.0.1 / localhost, signed by the CA, expired in 2020
#   wrong-host.pem wrong-host.key signed by the CA, valid, but only for DNS:wrong.example
#   pin.txt                       curl-style pin of server.key: sha256//<base64>
#   other-pin.txt                 pin of other-server.key (a pin that does not match)
#
# Keys are EC P-256 (fast). Idempotent: a complete DIR is left as it is; a lock
# keeps two runs on the same DIR from mixing their files. Prints the pin.
set -eu

if [ $# -ne 1 ]; then
    echo "usage: $0 DIR" >&2
    exit 2
fi
DIR=$1
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)

exec 9>"$DIR/.make-certs.lock"
if command -v flock >/dev/null 2>&1; then
    flock 9
fi

if [ -f "$DIR/.complete" ]; then
    cat "$DIR/pin.txt"
    exit 0
fi

command -v openssl >/dev/null 2>&1 || { echo "make-certs.sh: openssl not found" >&2; exit 1; }

W=$(mktemp -d "$DIR/.work.XXXXXX")
trap 'rm -rf "$W"' EXIT INT TERM

newkey() { # FILE
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
    chmod 600 "$1"
}

serial() {
    # 16 random bytes, top bit cleared so the serial is positive
    printf '%s' "$(openssl rand -hex 16 | sed 's/^./1/')"
}

cat > "$W/ext.cnf" <<'EOF'
[ ca_ext ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[ server_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[ wrong_host_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:wrong.example
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF

selfsigned_ca() { # NAME CN
    newkey "$W/$1.key"
    openssl req -new -x509 -key "$W/$1.key" -out "$W/$1.pem" -days 3650 \
        -subj "/CN=$2" -set_serial "0x$(serial)" \
        -config "$W/ext.cnf" -extensions ca_ext 2>/dev/null
}

issue() { # NAME CA-NAME EXT CN
    newkey "$W/$1.key"
    openssl req -new -key "$W/$1.key" -out "$W/$1.csr" -subj "/CN=$4" 2>/dev/null
    openssl x509 -req -in "$W/$1.csr" -CA "$W/$2.pem" -CAkey "$W/$2.key" \
        -set_serial "0x$(serial)" -days 825 -sha256 \
        -extfile "$W/ext.cnf" -extensions "$3" -out "$W/$1.pem" 2>/dev/null
}

selfsigned_ca ca "pharos-pulse test CA"
selfsigned_ca other-ca "pharos-pulse untrusted test CA"
issue server ca server_ext 127.0.0.1
issue other-server other-ca server_ext 127.0.0.1
issue wrong-host ca wrong_host_ext wrong.example

# Expired: OpenSSL 3.0's x509 has no -not_before/-not_after, so use `openssl ca`
# with explicit dates.
mkdir -p "$W/ca-db/new"
: > "$W/ca-db/index.txt"
serial > "$W/ca-db/serial"
cat > "$W/ca.cnf" <<EOF
[ ca ]
default_ca = test_ca

[ test_ca ]
database = $W/ca-db/index.txt
new_certs_dir = $W/ca-db/new
serial = $W/ca-db/serial
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
email_in_dn = no

[ policy_any ]
commonName = supplied

[ server_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
newkey "$W/expired.key"
openssl req -new -key "$W/expired.key" -out "$W/expired.csr" -subj "/CN=127.0.0.1" 2>/dev/null
openssl ca -batch -config "$W/ca.cnf" -cert "$W/ca.pem" -keyfile "$W/ca.key" \
    -in "$W/expired.csr" -out "$W/expired.pem" -notext \
    -startdate 20200101000000Z -enddate 20200201000000Z \
    -extensions server_ext 2>/dev/null

pin() { # KEYFILE
    printf 'sha256//%s\n' "$(openssl pkey -in "$1" -pubout -outform DER 2>/dev/null \
        | openssl dgst -sha256 -binary | openssl base64 -A)"
}
pin "$W/server.key" > "$W/pin.txt"
pin "$W/other-server.key" > "$W/other-pin.txt"

# Sanity: the certs are what they claim to be.
openssl verify -CAfile "$W/ca.pem" "$W/server.pem" >/dev/null
openssl verify -CAfile "$W/ca.pem" "$W/wrong-host.pem" >/dev/null
if openssl verify -CAfile "$W/ca.pem" "$W/expired.pem" >/dev/null 2>&1; then
    echo "make-certs.sh: expired.pem unexpectedly verifies" >&2
    exit 1
fi

for f in ca.pem ca.key other-ca.pem other-ca.key server.pem server.key \
         other-server.pem other-server.key expired.pem expired.key \
         wrong-host.pem wrong-host.key pin.txt other-pin.txt; do
    mv -f "$W/$f" "$DIR/$f"
done
: > "$DIR/.complete"
cat "$DIR/pin.txt"
