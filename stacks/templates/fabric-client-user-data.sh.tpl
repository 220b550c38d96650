#!/bin/bash
# Fabric client setup for AMB member ${member_id} of network ${network_id}.
# Rendered by Terraform's templatefile(), which is why the template doubles the dollar of
# every bash dollar-brace.
#
# Runs as EC2 user data on first boot, then installs itself as
# /usr/local/sbin/fabric-client-setup and runs again at every boot. Each run skips what is
# done and refreshes what may change (TLS chain, peer list), so it is safe to rerun by hand.
# No xtrace anywhere: the admin password passes through this script. errtrace (-E) lets the
# ERR trap below report failures inside functions too.
set -Eeuo pipefail
umask 022

readonly REGION='${region}'
readonly NETWORK_ID='${network_id}'
readonly MEMBER_ID='${member_id}'
readonly ADMIN_SECRET_ARN='${admin_secret_arn}'
readonly ADMIN_USERNAME='${admin_username}'
readonly FABRIC_VERSION='${fabric_version}'
readonly FABRIC_CA_VERSION='${fabric_ca_version}'
# The archives the member's YAML pins (client.archives): location and SHA-256.
readonly FABRIC_ARCHIVE_URL='${fabric_archive_url}'
readonly FABRIC_ARCHIVE_SHA256='${fabric_archive_sha256}'
readonly FABRIC_CA_ARCHIVE_URL='${fabric_ca_archive_url}'
readonly FABRIC_CA_ARCHIVE_SHA256='${fabric_ca_archive_sha256}'
readonly TLS_CHAIN_URI='s3://${tls_chain_bucket}/${tls_chain_key}'

readonly LOG_FILE=/var/log/fabric-client-setup.log
readonly SELF=/usr/local/sbin/fabric-client-setup
readonly UNIT=/etc/systemd/system/fabric-client-setup.service
readonly OPERATOR=ec2-user
readonly OPERATOR_HOME=/home/ec2-user
readonly FABRIC_DIR=/opt/fabric/fabric-$FABRIC_VERSION
readonly FABRIC_CA_DIR=/opt/fabric/fabric-ca-$FABRIC_CA_VERSION
readonly TLS_CHAIN=$OPERATOR_HOME/managedblockchain-tls-chain.pem
readonly MSP_DIR=$OPERATOR_HOME/admin-msp
readonly CA_CLIENT_HOME=$OPERATOR_HOME/.fabric-ca-client
readonly PEERS_FILE=/etc/fabric/peers
readonly PROFILE=/etc/profile.d/fabric.sh
readonly PEER_HELPER=/usr/local/bin/fabric-use-peer

touch "$LOG_FILE"
chmod 0640 "$LOG_FILE"
exec >>"$LOG_FILE" 2>&1

# To stderr, which is the log too, so that command substitutions capture only their result.
log() {
  printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2
}

die() {
  log "ERROR: $*"
  exit 1
}

trap 'log "FAILED at line $LINENO; fix the cause above, then rerun: sudo $SELF"' ERR

# Retries a command that needs the network: the NAT gateway, the VPC endpoint's private DNS
# and new IAM permissions can all lag a few minutes behind the instance.
retry() {
  local attempt=1
  until "$@"; do
    if ((attempt >= 10)); then
      log "giving up on $1 after $attempt attempts"
      return 1
    fi
    sleep $((attempt * 10))
    attempt=$((attempt + 1))
  done
}

amb() {
  aws managedblockchain --region "$REGION" --output text "$@"
}

install_self() {
  if [[ "$(readlink -f "$0")" != "$SELF" ]]; then
    install -m 0700 "$0" "$SELF"
  fi
  if [[ ! -f "$UNIT" ]]; then
    cat >"$UNIT" <<UNIT_FILE
[Unit]
Description=Fabric client setup: tools, TLS chain, endpoints, admin enrollment
Wants=network-online.target
After=network-online.target cloud-final.service

[Service]
Type=oneshot
ExecStart=$SELF

[Install]
WantedBy=multi-user.target
UNIT_FILE
    systemctl daemon-reload
    systemctl enable fabric-client-setup.service
  fi
}

install_packages() {
  if ! rpm -q docker jq xz >/dev/null 2>&1; then
    log "installing docker, jq and xz"
    retry dnf install -y -q docker jq xz
  fi
  systemctl enable --now docker
  usermod -aG docker "$OPERATOR"
}

# Downloads a pinned archive, checks its SHA-256 and only then unpacks it into its own
# versioned directory, once. It runs as root: nothing unchecked is ever unpacked.
install_archive() {
  local name=$1 url=$2 expected=$3 dir=$4 work actual
  if [[ -d "$dir" ]]; then
    return 0
  fi
  log "downloading $name from $url"
  work=$(mktemp -d)
  case "$url" in
    s3://*) retry aws s3 cp --region "$REGION" --only-show-errors "$url" "$work/archive" ;;
    *) retry curl --fail --silent --show-error --location --proto '=https' --output "$work/archive" "$url" ;;
  esac
  actual=$(sha256sum "$work/archive" | cut -d ' ' -f 1)
  if [[ "$actual" != "$expected" ]]; then
    rm -rf "$work"
    die "$name archive $url has SHA-256 $actual, but client.archives pins $expected; nothing installed. Check which one is right, fix the archive or the YAML, deploy"
  fi
  log "$name archive matches its pinned SHA-256 $expected"
  mkdir -p "$work/unpacked" "$(dirname "$dir")"
  tar -xf "$work/archive" -C "$work/unpacked"
  mv "$work/unpacked" "$dir"
  rm -rf "$work"
}

install_fabric_tools() {
  if [[ -z "$FABRIC_ARCHIVE_URL" || -z "$FABRIC_CA_ARCHIVE_URL" ]]; then
    die "no Fabric archives are pinned, so no Fabric tool is installed: set client.archives (url and sha256 of each) in the member's YAML and deploy"
  fi
  install_archive Fabric "$FABRIC_ARCHIVE_URL" "$FABRIC_ARCHIVE_SHA256" "$FABRIC_DIR"
  install_archive "Fabric CA" "$FABRIC_CA_ARCHIVE_URL" "$FABRIC_CA_ARCHIVE_SHA256" "$FABRIC_CA_DIR"
  local tool
  for tool in "$FABRIC_DIR"/bin/*; do
    ln -sfn "$tool" "/usr/local/bin/$(basename "$tool")"
  done
  ln -sfn "$FABRIC_CA_DIR/bin/fabric-ca-client" /usr/local/bin/fabric-ca-client
}

fetch_tls_chain() {
  retry aws s3 cp --region "$REGION" --only-show-errors "$TLS_CHAIN_URI" "$TLS_CHAIN.new"
  chown "$OPERATOR:" "$TLS_CHAIN.new"
  mv "$TLS_CHAIN.new" "$TLS_CHAIN"
}

# Ports differ per member and per node, so every endpoint comes from the AMB API.
discover_endpoints() {
  ORDERER_ENDPOINT=$(retry amb get-network --network-id "$NETWORK_ID" --query 'Network.FrameworkAttributes.Fabric.OrderingServiceEndpoint')
  CA_ENDPOINT=$(retry amb get-member --network-id "$NETWORK_ID" --member-id "$MEMBER_ID" --query 'Member.FrameworkAttributes.Fabric.CaEndpoint')
  log "orderer $ORDERER_ENDPOINT, CA $CA_ENDPOINT"

  local listed node_id endpoint
  local -a node_ids
  listed=$(retry amb list-nodes --network-id "$NETWORK_ID" --member-id "$MEMBER_ID" --status AVAILABLE --query 'sort_by(Nodes, &CreationDate)[].Id')
  read -ra node_ids <<<"$listed"
  if ((!$${#node_ids[@]})); then
    die "member $MEMBER_ID has no AVAILABLE peer node yet; rerun sudo $SELF once one is"
  fi
  mkdir -p "$(dirname "$PEERS_FILE")"
  : >"$PEERS_FILE.new"
  for node_id in "$${node_ids[@]}"; do
    endpoint=$(retry amb get-node --network-id "$NETWORK_ID" --member-id "$MEMBER_ID" --node-id "$node_id" --query 'Node.FrameworkAttributes.Fabric.PeerEndpoint')
    printf '%s %s\n' "$node_id" "$endpoint" >>"$PEERS_FILE.new"
    log "peer $node_id at $endpoint"
  done
  mv "$PEERS_FILE.new" "$PEERS_FILE"
  chmod 0644 "$PEERS_FILE"
  FIRST_PEER_ENDPOINT=$(awk 'NR == 1 { print $2 }' "$PEERS_FILE")
}

# The password goes from Secrets Manager to fabric-ca-client through a pipe and the
# environment of one subshell: never an argument, never on stdout, never in this log.
enroll_admin() {
  if [[ -s "$MSP_DIR/signcerts/cert.pem" ]]; then
    log "admin $ADMIN_USERNAME already enrolled in $MSP_DIR"
    return 0
  fi
  local probe
  probe=$(mktemp -d)
  retry fabric-ca-client getcainfo --url "https://$CA_ENDPOINT" --home "$probe" --mspdir "$probe/msp" --tls.certfiles "$TLS_CHAIN"
  rm -rf "$probe"

  log "enrolling admin $ADMIN_USERNAME into $MSP_DIR"
  (
    admin_password=$(retry aws secretsmanager get-secret-value --region "$REGION" --secret-id "$ADMIN_SECRET_ARN" --query SecretString --output text | jq -r .password)
    export FABRIC_CA_CLIENT_URL="https://$ADMIN_USERNAME:$admin_password@$CA_ENDPOINT"
    # One attempt only: the CA locks an identity after repeated wrong passwords.
    fabric-ca-client enroll --home "$CA_CLIENT_HOME" --mspdir "$MSP_DIR" --tls.certfiles "$TLS_CHAIN"
  )
  mkdir -p "$MSP_DIR/admincerts"
  cp "$MSP_DIR"/signcerts/* "$MSP_DIR/admincerts/"
  chown -R "$OPERATOR:" "$MSP_DIR" "$CA_CLIENT_HOME"
}

write_profile() {
  {
    echo "# Written by $SELF; rerun it to refresh."
    echo "export FABRIC_CFG_PATH=$FABRIC_DIR/config"
    echo "export CORE_PEER_TLS_ENABLED=true"
    echo "export CORE_PEER_LOCALMSPID=$MEMBER_ID"
    echo "export CORE_PEER_MSPCONFIGPATH=$MSP_DIR"
    echo "export CORE_PEER_TLS_ROOTCERT_FILE=$TLS_CHAIN"
    echo "export CORE_PEER_ADDRESS=$FIRST_PEER_ENDPOINT"
    echo "export ORDERER=$ORDERER_ENDPOINT"
    echo "export FABRIC_CA_CLIENT_HOME=$CA_CLIENT_HOME"
    echo "export FABRIC_CA_CLIENT_URL=https://$CA_ENDPOINT"
    echo "export FABRIC_CA_CLIENT_MSPDIR=$MSP_DIR"
    echo "export FABRIC_CA_CLIENT_TLS_CERTFILES=$TLS_CHAIN"
    cat <<'FUNCTION'
# A command cannot change its caller's environment, so the helper prints an export that
# this function applies. POSIX sh refuses the hyphenated name: define it for bash only.
if [ -n "$${BASH_VERSION:-}" ] && ! shopt -oq posix; then
  fabric-use-peer() {
    local line
    line=$(/usr/local/bin/fabric-use-peer "$@") || return
    if [ -n "$line" ]; then eval "$line"; fi
  }
fi
FUNCTION
  } >"$PROFILE.new"
  chmod 0644 "$PROFILE.new"
  mv "$PROFILE.new" "$PROFILE"
}

write_peer_helper() {
  cat >"$PEER_HELPER.new" <<'HELPER'
#!/bin/bash
# fabric-use-peer            list this member's peers
# fabric-use-peer <n>        print the export that points the peer CLI at the n-th peer
# fabric-use-peer <node-id>  the same, by node id (nd-...)
set -euo pipefail
readonly PEERS_FILE=$${FABRIC_PEERS_FILE:-/etc/fabric/peers}
if [[ ! -s "$PEERS_FILE" ]]; then
  echo "fabric-use-peer: $PEERS_FILE is missing; run sudo /usr/local/sbin/fabric-client-setup" >&2
  exit 1
fi
if (($# == 0)); then
  awk '{ printf "%d %s %s\n", NR, $1, $2 }' "$PEERS_FILE" >&2
  exit 0
fi
if ! awk -v want="$1" '(NR "" == want || $1 == want) { print "export CORE_PEER_ADDRESS=" $2; found = 1; exit } END { exit !found }' "$PEERS_FILE"; then
  echo "fabric-use-peer: no peer \"$1\"; this member's peers:" >&2
  awk '{ printf "%d %s %s\n", NR, $1, $2 }' "$PEERS_FILE" >&2
  exit 2
fi
HELPER
  chmod 0755 "$PEER_HELPER.new"
  mv "$PEER_HELPER.new" "$PEER_HELPER"
}

main() {
  exec 9>/run/fabric-client-setup.lock
  if ! flock -n 9; then
    log "another run is in progress; leaving it to finish"
    exit 0
  fi
  log "setup starting for member $MEMBER_ID"
  install_self
  install_packages
  install_fabric_tools
  fetch_tls_chain
  discover_endpoints
  enroll_admin
  write_profile
  write_peer_helper
  log "setup complete: connect, then run: sudo su - $OPERATOR"
}

main "$@"
