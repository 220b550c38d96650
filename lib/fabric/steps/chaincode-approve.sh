#!/usr/bin/env bash
# Approves the chaincode definition for this member's organisation, with its package id.
# Parameters: CHANNEL NAME VERSION SEQUENCE SIGNATURE_POLICY INIT_REQUIRED PACKAGE_ID PEER_ADDRESS;
# bundle: collections.json when the definition has private data. Result: {"approved": bool}
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"
: "${CHANNEL:?}" "${NAME:?}" "${VERSION:?}" "${SEQUENCE:?}" "${SIGNATURE_POLICY:?}" "${PACKAGE_ID:?}" "${PEER_ADDRESS:?}"
definition_args
if on_peer "$PEER_ADDRESS" peer lifecycle chaincode approveformyorg "${definition[@]}" --package-id "$PACKAGE_ID" --waitForEvent "${orderer_args[@]}" 2>"$WORK/approve.log"; then
  result '{"approved": true}'
elif grep -q 'unchanged content' "$WORK/approve.log"; then
  result '{"approved": false}'
else
  cat "$WORK/approve.log" >&2
  exit 1
fi
