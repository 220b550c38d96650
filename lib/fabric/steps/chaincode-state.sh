#!/usr/bin/env bash
# What the ledger says about one chaincode definition, as this member sees it.
# Parameters: CHANNEL NAME VERSION SEQUENCE SIGNATURE_POLICY INIT_REQUIRED PEERS ("nodeId=host:port ...").
# Result: {"installed": {nodeId: [packageId...]}, "committed": {"sequence", "version"} | null,
#          "approvals": {mspId: bool} | null (null when SEQUENCE is not the next one)}
# The member's peers are asked what they have installed at once, while the channel is asked
# what is committed; one jq puts the answers together.
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"
: "${CHANNEL:?}" "${NAME:?}" "${VERSION:?}" "${SEQUENCE:?}" "${SIGNATURE_POLICY:?}" "${PEERS:?}"
# answered FILE WHAT: fails the step when a CLI that exited 0 printed nothing into FILE.
answered() { [ -s "$1" ] || { echo "$2 printed nothing" >&2; exit 1; }; }
[[ -n ${PEERS//[[:space:]]/} ]] || { echo "PEERS names no peer" >&2; exit 1; }
peer lifecycle chaincode querycommitted --channelID "$CHANNEL" --name "$NAME" --output json >"$WORK/committed.json" 2>"$WORK/committed.log" &
committing=$!
ask_peers peer lifecycle chaincode queryinstalled --output json || exit 1
if wait "$committing"; then
  answered "$WORK/committed.json" "peer lifecycle chaincode querycommitted"
  sequence=$(jq -r '.sequence // 0' "$WORK/committed.json")
elif grep -q 'not defined\|not found' "$WORK/committed.log"; then
  echo null >"$WORK/committed.json"
  sequence=0
else
  cat "$WORK/committed.log" >&2; exit 1
fi
for index in "${!PEER_NODES[@]}"; do answered "$WORK/answer-$index" "peer lifecycle chaincode queryinstalled on ${PEER_ADDRESSES[$index]}"; done
echo null >"$WORK/readiness.json"
if [ "$SEQUENCE" = "$((sequence + 1))" ]; then
  definition_args
  peer lifecycle chaincode checkcommitreadiness "${definition[@]}" --output json >"$WORK/readiness.json"
  answered "$WORK/readiness.json" "peer lifecycle chaincode checkcommitreadiness"
fi
installed=()
for index in "${!PEER_NODES[@]}"; do installed+=("$WORK/answer-$index"); done
# Node ids (nd-...) hold no space: they go to jq as one argument, in the order of the files.
jq -nc --arg nodes "${PEER_NODES[*]}" --slurpfile committed "$WORK/committed.json" --slurpfile readiness "$WORK/readiness.json" '
  [inputs | [.installed_chaincodes[]?.package_id]] as $ids
  | ($nodes | split(" ")) as $names
  | if ($ids | length) != ($names | length) then error("\($names | length) peers asked, \($ids | length) answers read") else . end
  | {
    installed: ([range(0; $names | length) | {($names[.]): $ids[.]}] | add // {}),
    committed: ($committed[0] | if . == null then null else {sequence, version} end),
    approvals: ($readiness[0] | if . == null then null else .approvals end)
  }' "${installed[@]}" >"$RESULT_FILE"
