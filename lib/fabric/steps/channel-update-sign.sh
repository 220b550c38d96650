#!/usr/bin/env bash
# Signs a channel config update with this member's admin (peer channel signconfigtx: the
# admin's ConfigSignature appended to the envelope). Offline: no peer, no orderer.
# Bundle: envelope.pb (the update as recorded in git). Result: {"envelope": base64 of the signed envelope}
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"
: "${CORE_PEER_LOCALMSPID:?}" "${CORE_PEER_MSPCONFIGPATH:?}"
cp "$WORK/envelope.pb" "$WORK/signed.pb"
peer channel signconfigtx -f "$WORK/signed.pb"
printf '{"envelope": "%s"}\n' "$(base64 -w 0 "$WORK/signed.pb")" >"$RESULT_FILE"
