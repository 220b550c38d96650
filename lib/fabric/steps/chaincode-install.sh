#!/usr/bin/env bash
# Installs the bundle's package.tgz on one of the member's peers, unless it holds it already.
# Parameters: PEER_ADDRESS, PACKAGE_ID. Result: {"installed": bool, "packageId": string}
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"
: "${PEER_ADDRESS:?}" "${PACKAGE_ID:?}"
if on_peer "$PEER_ADDRESS" peer lifecycle chaincode queryinstalled --output json | jq -e --arg id "$PACKAGE_ID" 'any(.installed_chaincodes[]?; .package_id == $id)' >/dev/null; then
  result "{\"installed\": false, \"packageId\": \"$PACKAGE_ID\"}"
  exit 0
fi
on_peer "$PEER_ADDRESS" peer lifecycle chaincode install "$WORK/package.tgz" 2>"$WORK/install.log" || {
  grep -q 'already successfully installed' "$WORK/install.log" || { cat "$WORK/install.log" >&2; exit 1; }
}
got=$(sed -n 's/.*Chaincode code package identifier: \([^ ]*\).*/\1/p' "$WORK/install.log" | head -n 1)
if [ -n "$got" ] && [ "$got" != "$PACKAGE_ID" ]; then
  echo "the peer computed package id $got, but this package is $PACKAGE_ID" >&2
  exit 1
fi
result "{\"installed\": true, \"packageId\": \"$PACKAGE_ID\"}"
