/**
 * `npm run chaincode -- --member NAME`: for each chaincode of members/consortium.yaml on a
 * channel of the member: package it reproducibly (recording the package id on first build,
 * checking it afterwards), install it on each of the member's peers, approve the definition
 * for the member's organisation, and commit it once enough members approved.
 */
import { runCommand } from '../lib/command';
import { DEFAULT_WIRING, stepsCommand, type LedgerWiring } from '../lib/fabric/ledger-command';
import { reconcileChaincodes } from '../lib/fabric/reconcile';

export function chaincodeCommand(wiring: LedgerWiring = DEFAULT_WIRING) {
  return stepsCommand(
    {
      name: 'chaincode',
      summary: "Package, install, approve and (when enough members approved) commit the YAML's chaincode definitions for this member; an upgrade is a sequence bump.",
      examples: ['npm run chaincode -- --member filmmaker --dry-run', 'npm run chaincode -- --member bank', 'npm run chaincode -- --member bank --local --json'],
    },
    'Chaincode',
    reconcileChaincodes,
    wiring,
  );
}

if (require.main === module) void runCommand(chaincodeCommand());
