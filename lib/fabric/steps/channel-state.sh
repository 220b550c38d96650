#!/usr/bin/env bash
# What the ledger says about one channel, as this member sees it.
# Parameters: CHANNEL; PEERS ("nodeId=host:port ..." of the member's peers).
# Result: {"exists": bool, "readable": bool, "orgs": [mspId...], "anchorPeers": {mspId: [{host, port}]},
#          "joined": [nodeId...]}
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"
: "${CHANNEL:?}" "${PEERS:?}"
joined=()
for entry in $PEERS; do
  node=${entry%%=*} address=${entry#*=}
  if on_peer "$address" peer channel list 2>/dev/null | grep -qx "$CHANNEL"; then joined+=("$node"); fi
done
joined_json=$(printf '%s\n' "${joined[@]+"${joined[@]}"}" | jq -R . | jq -sc 'map(select(length > 0))')
status=0
outcome=$(fetch_config "$CHANNEL" "$WORK/config.json") || status=$?
if [ "$status" = 3 ]; then
  exists=$([ "$outcome" = NOT_FOUND ] && echo false || echo true)
  result "{\"exists\": $exists, \"readable\": false, \"orgs\": [], \"anchorPeers\": {}, \"joined\": $joined_json}"
  exit 0
fi
[ "$status" = 0 ] || exit "$status"
jq -c --argjson joined "$joined_json" '{
  exists: true,
  readable: true,
  orgs: (.channel_group.groups.Application.groups | keys),
  anchorPeers: (.channel_group.groups.Application.groups | map_values(.values.AnchorPeers.value.anchor_peers // [])),
  joined: $joined
}' "$WORK/config.json" >"$RESULT_FILE"
