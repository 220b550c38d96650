#!/usr/bin/env bash
# What the ledger says about one channel, as this member sees it.
# Parameters: CHANNEL; PEERS ("nodeId=host:port ..." of the member's peers; may be empty).
# Result: {"exists": bool, "readable": bool, "orgs": [mspId...], "anchorPeers": {mspId: [{host, port}]},
#          "joined": [nodeId...], "sequence": number, "adminsRule": "ANY"|"MAJORITY"|"ALL"|null,
#          "versions": {"g:/Channel/...": version, "v:...": version, "p:...": version}}
# Every peer and the orderer are asked at once: each answer is a CLI process that mostly waits
# on the network, and on a Fabric client reached through SSM the step's time is what the
# command waits for.
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"
: "${CHANNEL:?}"
fetch_config_block "$CHANNEL" "$WORK/config-block.json" >"$WORK/fetch.out" &
fetched=$!
peers_status=0
ask_peers joined_answer "$CHANNEL" || peers_status=$?
status=0
wait "$fetched" || status=$?
[ "$peers_status" = 0 ] || exit 1
joined=()
for index in "${!PEER_NODES[@]}"; do
  if [ "$(cat "$WORK/answer-$index")" = yes ]; then joined+=("${PEER_NODES[$index]}"); fi
done
# Node ids (nd-...) hold no space: the list goes to jq as one argument.
if [ "$status" = 3 ]; then
  exists=$([ "$(cat "$WORK/fetch.out")" = NOT_FOUND ] && echo false || echo true)
  jq -nc --argjson exists "$exists" --arg joined "${joined[*]+"${joined[*]}"}" \
    '{exists: $exists, readable: false, orgs: [], anchorPeers: {}, joined: ($joined | split(" ") | map(select(length > 0))), sequence: 0, adminsRule: null, versions: {}}' >"$RESULT_FILE"
  exit 0
fi
[ "$status" = 0 ] || exit "$status"
jq -c --arg joined "${joined[*]+"${joined[*]}"}" '
def versions($path):
  {("g:" + $path): ((.version // "0") | tonumber)}
  + ([(.values // {}) | to_entries[] | {("v:" + $path + "/" + .key): ((.value.version // "0") | tonumber)}] | add // {})
  + ([(.policies // {}) | to_entries[] | {("p:" + $path + "/" + .key): ((.value.version // "0") | tonumber)}] | add // {})
  + ([(.groups // {}) | to_entries[] | .key as $name | .value | versions($path + "/" + $name)] | add // {});
.data.data[0].payload.data.config
| .channel_group.groups.Application as $application
| ($application.policies[$application.mod_policy // "Admins"].policy // {}) as $admins
| {
  exists: true,
  readable: true,
  orgs: (.channel_group.groups.Application.groups | keys),
  anchorPeers: (.channel_group.groups.Application.groups | map_values(.values.AnchorPeers.value.anchor_peers // [])),
  joined: ($joined | split(" ") | map(select(length > 0))),
  sequence: ((.sequence // "0") | tonumber),
  adminsRule: (if $admins.type == 3 and ($admins.value.rule | IN("ANY", "MAJORITY", "ALL")) then $admins.value.rule else null end),
  versions: (.channel_group | versions("/Channel"))
}' "$WORK/config-block.json" >"$RESULT_FILE"
