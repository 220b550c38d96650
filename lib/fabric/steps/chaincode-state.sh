#!/usr/bin/env bash
# What the ledger says about one chaincode definition, as this member sees it.
# Parameters: CHANNEL NAME VERSION SEQUENCE SIGNATURE_POLICY INIT_REQUIRED PEERS ("nodeId=host:port ...").
# Result: {"installed": {nodeId: [packageId...]}, "committed": {"sequence", "version"} | null,
#          "approvals": {mspId: bool} | null (null when SEQUENCE is not the next one)}
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"
: "${CHANNEL:?}" "${NAME:?}" "${VERSION:?}" "${SEQUENCE:?}" "${SIGNATURE_POLICY:?}" "${PEERS:?}"
installed='{}'
for entry in $PEERS; do
  node=${entry%%=*} address=${entry#*=}
  ids=$(on_peer "$address" peer lifecycle chaincode queryinstalled --output json | jq -c '[.installed_chaincodes[]?.package_id]')
  installed=$(jq -c --arg node "$node" --argjson ids "$ids" '. + {($node): $ids}' <<<"$installed")
done
committed=null
if out=$(peer lifecycle chaincode querycommitted --channelID "$CHANNEL" --name "$NAME" --output json 2>"$WORK/committed.log"); then
  committed=$(jq -c '{sequence, version}' <<<"$out")
elif ! grep -q 'not defined\|not found' "$WORK/committed.log"; then
  cat "$WORK/committed.log" >&2; exit 1
fi
approvals=null
next=$(( $(jq -r '.sequence // 0' <<<"$committed") + 1 ))
if [ "$SEQUENCE" = "$next" ]; then
  definition_args
  approvals=$(peer lifecycle chaincode checkcommitreadiness "${definition[@]}" --output json | jq -c '.approvals')
fi
jq -nc --argjson installed "$installed" --argjson committed "$committed" --argjson approvals "$approvals" \
  '{installed: $installed, committed: $committed, approvals: $approvals}' >"$RESULT_FILE"
