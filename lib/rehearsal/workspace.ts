/**
 * The rehearsal's copy of a consortium: the YAML files of CONSORTIUM_DIR in a temporary
 * directory with everything a past network recorded (network.id, invitationId, ledger) and
 * every removal mark stripped, so the rehearsal starts from the founder's first deploy and
 * never touches the user's files. Channels and chaincode are stripped too: their members
 * must have joined, which in the rehearsal happens only as it goes.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { CONSORTIUM_FILE, memberFiles } from '../config';
import { recordInYamlFile } from '../config/record';

export function prepareWorkspace(sourceDir: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'amb-rehearsal-'));
  for (const file of [join(sourceDir, CONSORTIUM_FILE), ...memberFiles(sourceDir)]) copyFileSync(file, join(dir, basename(file)));
  recordInYamlFile(join(dir, CONSORTIUM_FILE), [
    { path: ['network', 'id'], value: undefined },
    { path: ['channels'], value: undefined },
    { path: ['chaincodes'], value: undefined },
  ]);
  for (const file of memberFiles(dir)) {
    recordInYamlFile(file, [
      { path: ['invitationId'], value: undefined },
      { path: ['ledger'], value: undefined },
      { path: ['removed'], value: undefined },
    ]);
  }
  return dir;
}

export function disposeWorkspace(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
