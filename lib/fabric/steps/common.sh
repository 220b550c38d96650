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
# However a step ends, what it started in the background has ended first: no process outlives it.
trap wait EXIT

# orderer_args: the flags every orderer call takes
orderer_args=(-o "$ORDERER" --tls --cafile "$ORDERER_TLS_CA")

# result JSON: writes the step's result
result() { printf '%s\n' "$1" >"$RESULT_FILE"; }

# on_peer ADDRESS COMMAND...: runs a peer CLI command against one of the member's peers
on_peer() { local address=$1; shift; CORE_PEER_ADDRESS=$address "$@"; }

# peer_joined ADDRESS CHANNEL: whether the peer has joined the channel (`peer channel list`).
# A peer that does not answer is not "not joined": the list is asked three times, 10 s to
# connect each (the CLI's default is 3 s, which a busy client misses), and then the step fails
# naming the peer, rather than plan a join from a missing answer.
peer_joined() {
  local address=$1 channel=$2 attempt listed log
  log=$(mktemp)
  for attempt in 1 2 3; do
    if listed=$(on_peer "$address" peer channel list --connTimeout 10s 2>"$log"); then
      rm -f "$log"
      grep -qx "$channel" <<<"$listed"
      return
    fi
    [ "$attempt" = 3 ] || sleep 1
  done
  echo "peer $address did not list its channels (3 attempts): $(tail -n 3 "$log")" >&2
  rm -f "$log"
  exit 1
}

# ask_peers COMMAND...: runs COMMAND for each "nodeId=host:port" of PEERS, all at once, each
# with CORE_PEER_ADDRESS set to its peer and its stdout in $WORK/answer-<index> (from 0, in the
# order of PEERS); sets PEER_NODES and PEER_ADDRESSES in that order. Returns 1, once every run
# has ended, when any run failed (it said why on stderr).
ask_peers() {
  local entry pid failed=0 pids=()
  PEER_NODES=() PEER_ADDRESSES=()
  for entry in ${PEERS:-}; do
    CORE_PEER_ADDRESS=${entry#*=} "$@" >"$WORK/answer-${#PEER_NODES[@]}" &
    pids+=("$!") PEER_NODES+=("${entry%%=*}") PEER_ADDRESSES+=("${entry#*=}")
  done
  for pid in "${pids[@]+"${pids[@]}"}"; do wait "$pid" || failed=1; done
  return "$failed"
}

# joined_answer CHANNEL: "yes" or "no", whether the peer at CORE_PEER_ADDRESS joined CHANNEL
# (see peer_joined; fails when the peer does not answer)
joined_answer() {
  if peer_joined "$CORE_PEER_ADDRESS" "$1"; then echo yes; else echo no; fi
}

# fetch_config_block CHANNEL OUT_JSON: the channel's current config block as JSON (its config
# is .data.data[0].payload.data.config); prints NOT_FOUND or FORBIDDEN (and returns 3) when the
# orderer has no such channel or refuses this member
fetch_config_block() {
  local channel=$1 out=$2 log
  log=$(mktemp)
  if ! peer channel fetch config "$WORK/config-$channel.block" -c "$channel" "${orderer_args[@]}" 2>"$log"; then
    if grep -q 'NOT_FOUND' "$log"; then echo NOT_FOUND; rm -f "$log"; return 3; fi
    if grep -q 'FORBIDDEN' "$log"; then echo FORBIDDEN; rm -f "$log"; return 3; fi
    cat "$log" >&2; rm -f "$log"; return 1
  fi
  rm -f "$log"
  configtxlator proto_decode --input "$WORK/config-$channel.block" --type common.Block --output "$out"
}

# fetch_config CHANNEL OUT_JSON: the channel's current config as JSON; prints and returns as
# fetch_config_block
fetch_config() {
  local channel=$1 out=$2
  fetch_config_block "$channel" "$WORK/config-$channel.block.json" || return
  jq '.data.data[0].payload.data.config' "$WORK/config-$channel.block.json" >"$out"
}

# submit_config_update CHANNEL ORIGINAL_JSON UPDATED_JSON OUT_PB: the signed-for envelope of
# the difference; returns 4 when there is no difference
config_update_envelope() {
  local channel=$1 original=$2 updated=$3 out=$4
  configtxlator proto_encode --input "$original" --type common.Config --output "$WORK/original.pb" &
  local encoding=$!
  configtxlator proto_encode --input "$updated" --type common.Config --output "$WORK/updated.pb"
  wait "$encoding" || return 1
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

# wait_config_past CHANNEL SEQUENCE: waits (60 s at most) until the orderer serves a config of
# CHANNEL past SEQUENCE; the orderer acknowledges an update before it cuts its block, and the
# next step (or member) must read the config as it is after it. Prints the new sequence.
wait_config_past() {
  local channel=$1 before=$2 sequence
  for _ in $(seq 1 120); do
    fetch_config_block "$channel" "$WORK/after-$channel.json" >/dev/null
    sequence=$(jq -r '.data.data[0].payload.data.config.sequence // "0"' "$WORK/after-$channel.json")
    if [ "$sequence" -gt "$before" ]; then echo "$sequence"; return 0; fi
    sleep 0.5
  done
  echo "the orderer accepted the update, but $channel's config is still at sequence $before after 60 s; run npm run channel again to see whether it was applied" >&2
  return 1
}

# anchor_endorsers CHANNEL: sets ENDORSERS to the first anchor peer of every organisation of
# the channel, read from its config. Other members' peers are found as Fabric's gossip finds
# them: AMB answers GetNode only for the caller's own nodes, so the AMB API cannot name them.
anchor_endorsers() {
  local channel=$1
  fetch_config "$channel" "$WORK/endorsers-config.json" >/dev/null
  ENDORSERS=$(jq -r '.channel_group.groups.Application.groups[].values.AnchorPeers.value.anchor_peers[0] // empty | "\(.host):\(.port)"' "$WORK/endorsers-config.json" | tr '\n' ' ')
  [ -n "$ENDORSERS" ] || { echo "no organisation of $channel has an anchor peer: each member runs npm run channel first" >&2; return 1; }
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

# anchor_record PEER_ADDRESS VERSION_ID: the documents chaincode's record of KEY (VERSION_ID, or
# the latest anchored when empty) as JSON, or null when it has none; CHANNEL NAME KEY
anchor_record() {
  local address=$1 version=$2 args out
  args=$(jq -nc --arg key "$KEY" --arg version "$version" '{Args: ["documents:Get", $key, $version]}')
  if out=$(on_peer "$address" peer chaincode query -C "$CHANNEL" -n "$NAME" -c "$args" 2>"$WORK/query.log"); then
    printf '%s\n' "$out"
  elif grep -q 'is not anchored\|has no anchored version' "$WORK/query.log"; then
    echo null
  else
    cat "$WORK/query.log" >&2; return 1
  fi
}

# chaincode_refusal LOG: the error a chaincode returned, from a failed invoke's log; returns 1
# when the invoke failed for another reason (no endorsement, no orderer, ...)
chaincode_refusal() {
  local message
  message=$(sed -n 's/.*transaction returned with failure: \(Error: \)\{0,1\}\(.*\)$/\2/p' "$1" | head -n 1 | sed 's/[\\" ]*$//')
  [ -n "$message" ] || return 1
  printf '%s\n' "$message"
}

# identity_msp SECRET_ID FOLDER: an MSP folder under FOLDER that signs as the identity whose
# Secrets Manager secret is SECRET_ID (JSON {mspId, certificate, privateKey}); the CA and TLS
# certificates come from the admin's MSP. Prints the folder.
identity_msp() {
  local secret=$1 folder=$2 value msp mspid sub
  value=$(aws secretsmanager get-secret-value --secret-id "$secret" --query SecretString --output text) || {
    echo "cannot read secret $secret: the Fabric client's role needs secretsmanager:GetSecretValue on it (and kms:Decrypt with its key)" >&2; return 1; }
  mspid=$(jq -r '.mspId // empty' <<<"$value")
  if [ "$mspid" != "$CORE_PEER_LOCALMSPID" ]; then
    echo "secret $secret holds an identity of MSP '${mspid:-none}', not $CORE_PEER_LOCALMSPID" >&2; return 1
  fi
  msp="$folder/msp"
  (
    umask 077
    mkdir -p "$msp/signcerts" "$msp/keystore"
    jq -r '.certificate' <<<"$value" >"$msp/signcerts/cert.pem"
    jq -r '.privateKey' <<<"$value" >"$msp/keystore/key_sk"
  )
  for sub in cacerts intermediatecerts tlscacerts tlsintermediatecerts config.yaml; do
    if [ -e "$CORE_PEER_MSPCONFIGPATH/$sub" ]; then cp -R "$CORE_PEER_MSPCONFIGPATH/$sub" "$msp/"; fi
  done
  printf '%s\n' "$msp"
}
