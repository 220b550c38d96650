#!/usr/bin/env bash
# Joins one of the member's peers to a channel from its block 0, fetched from the orderer.
# Parameters: CHANNEL, PEER_ADDRESS. Result: {"joined": bool} (false: it had joined before).
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"
: "${CHANNEL:?}" "${PEER_ADDRESS:?}"
if peer_joined "$PEER_ADDRESS" "$CHANNEL"; then
  result '{"joined": false}'
  exit 0
fi
peer channel fetch 0 "$WORK/$CHANNEL-0.block" -c "$CHANNEL" "${orderer_args[@]}"
on_peer "$PEER_ADDRESS" peer channel join -b "$WORK/$CHANNEL-0.block"
result '{"joined": true}'
