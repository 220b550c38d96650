#!/usr/bin/env bash
# Creates a channel the system-channel way (AMB): configtxgen -outputCreateChannelTx from the
# bundle's configtx.yaml (profile "Channel"), then peer channel create against the orderer.
# A channel that exists already counts as created (a re-run after a kill half way).
# Parameters: CHANNEL. Bundle: configtx.yaml and the MSP folders it names.
# Result: {"created": bool}
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"
: "${CHANNEL:?}"
configtxgen -configPath "$WORK" -profile Channel -channelID "$CHANNEL" -outputCreateChannelTx "$WORK/$CHANNEL.tx"
if peer channel create -c "$CHANNEL" -f "$WORK/$CHANNEL.tx" --outputBlock "$WORK/$CHANNEL.block" "${orderer_args[@]}" 2>"$WORK/create.log"; then
  result '{"created": true}'
elif grep -Eq 'already exists|version 0, but got version 1|BAD_REQUEST -- error applying config update to existing channel' "$WORK/create.log"; then
  result '{"created": false}'
else
  cat "$WORK/create.log" >&2
  exit 1
fi
