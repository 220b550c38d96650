#!/usr/bin/env bash
# Submits a channel config update carrying the collected signatures (peer channel update adds
# the submitter's own), then waits until the channel's config has moved past SEQUENCE.
# Parameters: CHANNEL; SEQUENCE (the config sequence the update applies to).
# Bundle: signed.pb. Result: {"submitted": true, "sequence": number} or {"submitted": false}
# when the orderer refuses it because the config moved on (its read set is stale).
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"
: "${CHANNEL:?}" "${SEQUENCE:?}"
if ! peer channel update -c "$CHANNEL" -f "$WORK/signed.pb" "${orderer_args[@]}" 2>"$WORK/update.log"; then
  if grep -q 'be at version' "$WORK/update.log"; then result '{"submitted": false}'; exit 0; fi
  cat "$WORK/update.log" >&2
  exit 1
fi
sequence=$(wait_config_past "$CHANNEL" "$SEQUENCE")
result "{\"submitted\": true, \"sequence\": $sequence}"
