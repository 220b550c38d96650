#!/usr/bin/env bash
# Anchors one version of an off-chain document: invokes documents:Anchor(KEY, VERSION_ID,
# SHA256), endorsed by the anchor peer of every organisation of the channel (read from its
# config, as Fabric's gossip finds other members' peers), and waits for the commit. Signs as
# the member's admin, or, with IDENTITY_SECRET, as the identity whose key and certificate that
# Secrets Manager secret holds (JSON {mspId, certificate, privateKey}, written by the member's
# identity manager): its key lives in a private folder only while the invoke runs.
# A refusal by the chaincode (an anchored version, a missing attribute) is a result, not a failure.
# Parameters: CHANNEL NAME KEY VERSION_ID SHA256 PEER_ADDRESS; IDENTITY_SECRET (may be empty).
# Result: {"anchored": bool, "refusal": string | null, "record": record | null (the anchor of VERSION_ID after the invoke)}
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"
: "${CHANNEL:?}" "${NAME:?}" "${KEY:?}" "${VERSION_ID:?}" "${SHA256:?}" "${PEER_ADDRESS:?}" "${CORE_PEER_LOCALMSPID:?}"
anchor_endorsers "$CHANNEL"
msp=$CORE_PEER_MSPCONFIGPATH
if [ -n "${IDENTITY_SECRET:-}" ]; then
  private=$(mktemp -d)
  trap 'wait; rm -rf "$private"' EXIT
  msp=$(identity_msp "$IDENTITY_SECRET" "$private")
fi
args=$(jq -nc --arg key "$KEY" --arg version "$VERSION_ID" --arg sha256 "$SHA256" '{Args: ["documents:Anchor", $key, $version, $sha256]}')
endorser_args
anchored=false refusal=null
if CORE_PEER_MSPCONFIGPATH=$msp peer chaincode invoke -C "$CHANNEL" -n "$NAME" -c "$args" "${endorsers[@]}" --waitForEvent "${orderer_args[@]}" 2>"$WORK/invoke.log"; then
  anchored=true
elif message=$(chaincode_refusal "$WORK/invoke.log"); then
  refusal=$(jq -Rn --arg message "$message" '$message')
else
  cat "$WORK/invoke.log" >&2
  exit 1
fi
record=$(anchor_record "$PEER_ADDRESS" "$VERSION_ID")
jq -nc --argjson anchored "$anchored" --argjson refusal "$refusal" --argjson record "$record" \
  '{anchored: $anchored, refusal: $refusal, record: $record}' >"$RESULT_FILE"
