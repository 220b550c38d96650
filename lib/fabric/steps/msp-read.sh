#!/usr/bin/env bash
# Reads the public half of the member admin's MSP: the CA certificate, the admin certificate
# and the TLS CA chain. Never the keystore.
# Result: {"caCert": PEM, "adminCert": PEM, "tlsCaCert": PEM}
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"
msp=${CORE_PEER_MSPCONFIGPATH:?}
first() { find "$1" -maxdepth 1 -type f -name '*.pem' | sort | head -n 1; }
ca=$(first "$msp/cacerts")
admin=$(first "$msp/signcerts")
tls=$(first "$msp/tlscacerts" 2>/dev/null || true)
[ -n "$ca" ] || { echo "$msp/cacerts holds no certificate" >&2; exit 1; }
[ -n "$admin" ] || { echo "$msp/signcerts holds no certificate" >&2; exit 1; }
jq -n --rawfile ca "$ca" --rawfile admin "$admin" --rawfile tls "${tls:-$CORE_PEER_TLS_ROOTCERT_FILE}" \
  '{caCert: $ca, adminCert: $admin, tlsCaCert: $tls}' >"$RESULT_FILE"
