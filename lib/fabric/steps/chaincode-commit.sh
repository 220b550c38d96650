#!/usr/bin/env bash
# Commits the chaincode definition, endorsed by peers of enough members (ENDORSERS), unless
# the channel has it committed already.
# Parameters: CHANNEL NAME VERSION SEQUENCE SIGNATURE_POLICY INIT_REQUIRED ENDORSERS ("host:port ...").
# Result: {"committed": bool}
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"
: "${CHANNEL:?}" "${NAME:?}" "${VERSION:?}" "${SEQUENCE:?}" "${SIGNATURE_POLICY:?}"
if [ "$(committed_sequence)" -ge "$SEQUENCE" ]; then
  result '{"committed": false}'
  exit 0
fi
definition_args
endorser_args
peer lifecycle chaincode commit "${definition[@]}" "${endorsers[@]}" --waitForEvent "${orderer_args[@]}"
result '{"committed": true}'
