# shellcheck shell=bash
# Shared by the step scripts. A step runs in its bundle folder (the current directory), with
# the member admin's peer CLI environment (CORE_PEER_*, FABRIC_CFG_PATH, ORDERER) and its
# parameters as environment variables, and writes one JSON object to $RESULT_FILE: that file,
# not stdout, is what the command reads back (SSM returns only 24,000 characters of stdout).
set -euo pipefail
: "${RESULT_FILE:?RESULT_FILE is not set}"
: "${ORDERER:?ORDERER (the ordering service endpoint) is not set}"
ORDERER_TLS_CA=${ORDERER_TLS_CA:-${CORE_PEER_TLS_ROOTCERT_FILE:?CORE_PEER_TLS_ROOTCERT_FILE is not set}}
WORK=$(pwd)

# orderer_args: the flags every orderer call takes
orderer_args=(-o "$ORDERER" --tls --cafile "$ORDERER_TLS_CA")

# result JSON: writes the step's result
result() { printf '%s\n' "$1" >"$RESULT_FILE"; }

# on_peer ADDRESS COMMAND...: runs a peer CLI command against one of the member's peers
on_peer() { local address=$1; shift; CORE_PEER_ADDRESS=$address "$@"; }

# fetch_config CHANNEL OUT_JSON: the channel's current config as JSON; prints NOT_FOUND or
# FORBIDDEN (and returns 3) when the orderer has no such channel or refuses this member
fetch_config() {
  local channel=$1 out=$2 log
  log=$(mktemp)
  if ! peer channel fetch config "$WORK/config-$channel.block" -c "$channel" "${orderer_args[@]}" 2>"$log"; then
    if grep -q 'NOT_FOUND' "$log"; then echo NOT_FOUND; rm -f "$log"; return 3; fi
    if grep -q 'FORBIDDEN' "$log"; then echo FORBIDDEN; rm -f "$log"; return 3; fi
    cat "$log" >&2; rm -f "$log"; return 1
  fi
  rm -f "$log"
  configtxlator proto_decode --input "$WORK/config-$channel.block" --type common.Block --output "$WORK/config-$channel.block.json"
  jq '.data.data[0].payload.data.config' "$WORK/config-$channel.block.json" >"$out"
}

# submit_config_update CHANNEL ORIGINAL_JSON UPDATED_JSON OUT_PB: the signed-for envelope of
# the difference; returns 4 when there is no difference
config_update_envelope() {
  local channel=$1 original=$2 updated=$3 out=$4
  configtxlator proto_encode --input "$original" --type common.Config --output "$WORK/original.pb"
  configtxlator proto_encode --input "$updated" --type common.Config --output "$WORK/updated.pb"
  if ! configtxlator compute_update --channel_id "$channel" --original "$WORK/original.pb" --updated "$WORK/updated.pb" --output "$WORK/update.pb" 2>"$WORK/compute.log"; then
    if grep -q 'no differences' "$WORK/compute.log"; then return 4; fi
    cat "$WORK/compute.log" >&2; return 1
  fi
  configtxlator proto_decode --input "$WORK/update.pb" --type common.ConfigUpdate --output "$WORK/update.json"
  jq -n --arg channel "$channel" --slurpfile update "$WORK/update.json" \
    '{payload: {header: {channel_header: {channel_id: $channel, type: 2}}, data: {config_update: $update[0]}}}' >"$WORK/envelope.json"
  configtxlator proto_encode --input "$WORK/envelope.json" --type common.Envelope --output "$out"
}

# definition_args: the chaincode definition flags of approveformyorg, checkcommitreadiness and
# commit, from CHANNEL NAME VERSION SEQUENCE SIGNATURE_POLICY INIT_REQUIRED and, when the
# bundle has it, collections.json
definition_args() {
  definition=(--channelID "$CHANNEL" --name "$NAME" --version "$VERSION" --sequence "$SEQUENCE" --signature-policy "$SIGNATURE_POLICY")
  if [ "${INIT_REQUIRED:-false}" = true ]; then definition+=(--init-required); fi
  if [ -f "$WORK/collections.json" ]; then definition+=(--collections-config "$WORK/collections.json"); fi
}

# endorser_args: --peerAddresses/--tlsRootCertFiles for each "host:port" of ENDORSERS
endorser_args() {
  endorsers=()
  for address in ${ENDORSERS:?}; do endorsers+=(--peerAddresses "$address" --tlsRootCertFiles "$CORE_PEER_TLS_ROOTCERT_FILE"); done
}

# committed_sequence: the sequence committed on the channel, 0 when none
committed_sequence() {
  local out
  if out=$(peer lifecycle chaincode querycommitted --channelID "$CHANNEL" --name "$NAME" --output json 2>"$WORK/committed.log"); then
    jq -r '.sequence' <<<"$out"
  elif grep -q 'not defined\|not found' "$WORK/committed.log"; then
    echo 0
  else
    cat "$WORK/committed.log" >&2; return 1
  fi
}
