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
# However the step ends, the peers and the orderer asked in the background have finished.
trap wait EXIT
# joined-<nodeId> holds "yes" or "no"; a peer that does not answer leaves none (peer_joined said why).
asked=()
for entry in ${PEERS:-}; do
  node=${entry%%=*} address=${entry#*=}
  (
    answer=no
    if peer_joined "$address" "$CHANNEL"; then answer=yes; fi
    echo "$answer" >"$WORK/joined-$node"
  ) &
  asked+=("$!")
done
fetch_config_block "$CHANNEL" "$WORK/config-block.json" >"$WORK/fetch.out" &
fetched=$!
all=true
for pid in "${asked[@]+"${asked[@]}"}"; do wait "$pid" || all=false; done
status=0
wait "$fetched" || status=$?
[ "$all" = true ] || exit 1
joined=()
for entry in ${PEERS:-}; do
  node=${entry%%=*}
  if [ "$(cat "$WORK/joined-$node")" = yes ]; then joined+=("$node"); fi
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
