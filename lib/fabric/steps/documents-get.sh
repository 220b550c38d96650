#!/usr/bin/env bash
# Reads the anchors of one off-chain document from the documents chaincode (documents:Get),
# on one of the member's peers, as the member's admin (reading needs no certificate attribute).
# Parameters: CHANNEL NAME (the chaincode) KEY PEER_ADDRESS; VERSION_ID (may be empty).
# Result: {"anchored": record | null (the anchor of VERSION_ID), "latest": record | null}
#   record: {key, versionId, sha256, mspId, txId, anchoredAt}
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"
: "${CHANNEL:?}" "${NAME:?}" "${KEY:?}" "${PEER_ADDRESS:?}"
anchored=null
if [ -n "${VERSION_ID:-}" ]; then anchored=$(anchor_record "$PEER_ADDRESS" "$VERSION_ID"); fi
latest=$(anchor_record "$PEER_ADDRESS" "")
jq -nc --argjson anchored "$anchored" --argjson latest "$latest" '{anchored: $anchored, latest: $latest}' >"$RESULT_FILE"
