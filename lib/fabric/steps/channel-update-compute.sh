#!/usr/bin/env bash
# Computes the config update that adds organisations to (and removes them from) a channel's
# Application group, from the channel's current config: configtxgen -printOrg for each added
# organisation (the bundle's configtx.yaml and the MSP folders it names, from git), then
# configtxlator compute_update, wrapped in an unsigned envelope. Nothing is signed or sent.
# Parameters: CHANNEL; ADD, REMOVE ("mspId ...", either may be empty).
# Result: {"sequence": number (the config it was computed from), "envelope": base64 of the
#          common.Envelope, "update": the common.ConfigUpdate as configtxlator JSON}
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"
: "${CHANNEL:?}"
fetch_config "$CHANNEL" "$WORK/config.json" >/dev/null
cp "$WORK/config.json" "$WORK/updated.json"
for org in ${ADD:-}; do
  configtxgen -configPath "$WORK" -printOrg "$org" >"$WORK/org-$org.json"
  jq --arg org "$org" --slurpfile definition "$WORK/org-$org.json" '.channel_group.groups.Application.groups[$org] = $definition[0]' "$WORK/updated.json" >"$WORK/next.json"
  mv "$WORK/next.json" "$WORK/updated.json"
done
for org in ${REMOVE:-}; do
  jq --arg org "$org" 'del(.channel_group.groups.Application.groups[$org])' "$WORK/updated.json" >"$WORK/next.json"
  mv "$WORK/next.json" "$WORK/updated.json"
done
status=0
config_update_envelope "$CHANNEL" "$WORK/config.json" "$WORK/updated.json" "$WORK/envelope.pb" || status=$?
if [ "$status" = 4 ]; then echo "adding [${ADD:-}] and removing [${REMOVE:-}] changes nothing in $CHANNEL's config" >&2; exit 1; fi
[ "$status" = 0 ] || exit "$status"
base64 -w 0 "$WORK/envelope.pb" >"$WORK/envelope.b64"
jq -n --argjson sequence "$(jq -r '.sequence // "0"' "$WORK/config.json")" --rawfile envelope "$WORK/envelope.b64" --slurpfile update "$WORK/update.json" \
  '{sequence: $sequence, envelope: $envelope, update: $update[0]}' >"$RESULT_FILE"
