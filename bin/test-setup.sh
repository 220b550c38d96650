#!/usr/bin/env bash
# Runs before `npm test` (npm's pretest): real Hyperledger Fabric unpacked into .fabric/ once
# (from FABRIC_ARCHIVES=DIR, checked against DIR/SHA256SUMS, or else from Hyperledger's release
# downloads), and the documents chaincode's production dependencies, which travel in its package.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent fabric:install
if [ ! -d chaincode/documents/node_modules ]; then
  npm ci --prefix chaincode/documents --omit=dev --ignore-scripts --no-audit --no-fund
fi
