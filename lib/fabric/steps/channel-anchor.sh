#!/usr/bin/env bash
# Sets this member's anchor peers on a channel: a config update of its own organisation's
# AnchorPeers value, signed by its admin alone (the org's Admins policy); done once the channel's
# config carries it.
# Parameters: CHANNEL, ANCHORS ("host:port ..."). Result: {"updated": bool}
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"
: "${CHANNEL:?}" "${ANCHORS:?}" "${CORE_PEER_LOCALMSPID:?}"
fetch_config "$CHANNEL" "$WORK/config.json" >/dev/null
# ANCHORS "host:port ..." (separated by any white space) become [{host, port}], the port a
# number, in the same jq run.
jq --arg org "$CORE_PEER_LOCALMSPID" --arg anchors "$ANCHORS" '
  ([$anchors | splits("\\s+")] | map(select(length > 0) | split(":") | {host: (.[:-1] | join(":")), port: (.[-1] | tonumber)})) as $peers
  | .channel_group.groups.Application.groups[$org].values.AnchorPeers = {mod_policy: "Admins", value: {anchor_peers: $peers}, version: "0"}' \
  "$WORK/config.json" >"$WORK/updated.json"
status=0
config_update_envelope "$CHANNEL" "$WORK/config.json" "$WORK/updated.json" "$WORK/anchors.pb" || status=$?
if [ "$status" = 4 ]; then result '{"updated": false}'; exit 0; fi
[ "$status" = 0 ] || exit "$status"
peer channel update -c "$CHANNEL" -f "$WORK/anchors.pb" "${orderer_args[@]}"
wait_config_past "$CHANNEL" "$(jq -r '.sequence // "0"' "$WORK/config.json")" >/dev/null
result '{"updated": true}'
