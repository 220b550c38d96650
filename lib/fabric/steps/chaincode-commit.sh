#!/usr/bin/env bash
# Commits the chaincode definition, unless the channel has it committed already, endorsed by
# the anchor peer of every organisation of the channel (read from its config: enough for any
# LifecycleEndorsement rule over the channel's members, once each has set its anchor peer).
# Parameters: CHANNEL NAME VERSION SEQUENCE SIGNATURE_POLICY INIT_REQUIRED.
# Result: {"committed": bool}
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"
: "${CHANNEL:?}" "${NAME:?}" "${VERSION:?}" "${SEQUENCE:?}" "${SIGNATURE_POLICY:?}"
if [ "$(committed_sequence)" -ge "$SEQUENCE" ]; then
  result '{"committed": false}'
  exit 0
fi
definition_args
anchor_endorsers "$CHANNEL"
endorser_args
peer lifecycle chaincode commit "${definition[@]}" "${endorsers[@]}" --waitForEvent "${orderer_args[@]}"
result '{"committed": true}'
