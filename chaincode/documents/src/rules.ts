/**
 * What the consortium asked of this chaincode, built into its package as
 * `chaincode-config.json` by the toolkit's packager (from `chaincodes[].requiredAttribute`
 * in consortium.yaml). Being inside the package, it is covered by the package id that every
 * member checks and approves: no member can relax it alone.
 */
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';

export interface ChaincodeRules {
  /** A certificate attribute every writer must carry (Fabric CA `attrs` extension). */
  readonly requiredAttribute?: { readonly name: string; readonly value: string };
}

export const RULES_FILE = 'chaincode-config.json';

/** Reads the rules beside the package's package.json; none when the file is absent. */
export function loadRules(root: string = join(__dirname, '..')): ChaincodeRules {
  const file = join(root, RULES_FILE);
  if (!existsSync(file)) return {};
  return JSON.parse(readFileSync(file, 'utf8')) as ChaincodeRules;
}
