#!/usr/bin/env bash
# What the ledger says about one channel, as this member sees it.
# Parameters: CHANNEL; PEERS ("nodeId=host:port ..." of the member's peers; may be empty).
# Result: {"exists": bool, "readable": bool, "orgs": [mspId...], "anchorPeers": {mspId: [{host, port}]},
#          "joined": [nodeId...], "sequence": number, "adminsRule": "ANY"|"MAJORITY"|"ALL"|null,
#          "versions": {"g:/Channel/...": version, "v:...": version, "p:...": version}}
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"
: "${CHANNEL:?}"
joined=()
for entry in ${PEERS:-}; do
  node=${entry%%=*} address=${entry#*=}
  if peer_joined "$address" "$CHANNEL"; then joined+=("$node"); fi
done
joined_json=$(printf '%s\n' "${joined[@]+"${joined[@]}"}" | jq -Rsc 'split("\n") | map(select(length > 0))')
status=0
outcome=$(fetch_config "$CHANNEL" "$WORK/config.json") || status=$?
if [ "$status" = 3 ]; then
  exists=$([ "$outcome" = NOT_FOUND ] && echo false || echo true)
  result "{\"exists\": $exists, \"readable\": false, \"orgs\": [], \"anchorPeers\": {}, \"joined\": $joined_json, \"sequence\": 0, \"adminsRule\": null, \"versions\": {}}"
  exit 0
fi
[ "$status" = 0 ] || exit "$status"
jq -c --argjson joined "$joined_json" '
def versions($path):
  {("g:" + $path): ((.version // "0") | tonumber)}
  + ([(.values // {}) | to_entries[] | {("v:" + $path + "/" + .key): ((.value.version // "0") | tonumber)}] | add // {})
  + ([(.policies // {}) | to_entries[] | {("p:" + $path + "/" + .key): ((.value.version // "0") | tonumber)}] | add // {})
  + ([(.groups // {}) | to_entries[] | .key as $name | .value | versions($path + "/" + $name)] | add // {});
.channel_group.groups.Application as $application
| ($application.policies[$application.mod_policy // "Admins"].policy // {}) as $admins
| {
  exists: true,
  readable: true,
  orgs: (.channel_group.groups.Application.groups | keys),
  anchorPeers: (.channel_group.groups.Application.groups | map_values(.values.AnchorPeers.value.anchor_peers // [])),
  joined: $joined,
  sequence: ((.sequence // "0") | tonumber),
  adminsRule: (if $admins.type == 3 and ($admins.value.rule | IN("ANY", "MAJORITY", "ALL")) then $admins.value.rule else null end),
  versions: (.channel_group | versions("/Channel"))
}' "$WORK/config.json" >"$RESULT_FILE"
