/**
 * The rehearsal's copy of a consortium, laid out as a repository in a temporary directory:
 * `members/` holds the YAML files of CONSORTIUM_DIR with everything a past network recorded
 * (network.id and its record, invitationId, ledger) and every removal mark stripped, so the
 * rehearsal starts from the founder's first deploy and never touches the user's files; the
 * top-level folders the chaincode paths start with (`chaincode/`) are links to the source
 * repository's, and `members/msp/` and `channels/` are written by the rehearsal's own commands.
 *
 * Channels and chaincode wait outside the YAML until their members have joined (a channel may
 * list only members that have): `restoreLedgerSections` writes them back, as the source has
 * them minus what a past ledger recorded (a chaincode's committed definition).
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { CONSORTIUM_FILE, memberFiles } from '../config';
import { NETWORK_RECORD_KEY } from '../config/network-record';
import { readYamlValue, recordInYamlFile } from '../config/record';

/**
 * The members directory of a new workspace (its parent is the workspace repository, a new
 * folder under `within`: the caller removes it with disposeWorkspace, or removes `within`).
 */
export function prepareWorkspace(sourceDir: string, within: string = tmpdir()): string {
  const root = mkdtempSync(join(within, 'amb-rehearsal-'));
  const dir = join(root, 'members');
  mkdirSync(dir);
  for (const file of [join(sourceDir, CONSORTIUM_FILE), ...memberFiles(sourceDir)]) copyFileSync(file, join(dir, basename(file)));
  const sourceRoot = dirname(resolve(sourceDir));
  for (const folder of chaincodeFolders(sourceDir)) {
    if (existsSync(join(sourceRoot, folder))) symlinkSync(join(sourceRoot, folder), join(root, folder));
  }
  recordInYamlFile(join(dir, CONSORTIUM_FILE), [
    { path: ['network', 'id'], value: undefined },
    { path: [NETWORK_RECORD_KEY], value: undefined },
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

/**
 * Writes the source's `channels:` and `chaincodes:` into the workspace's consortium.yaml
 * (chaincodes without their `ledger` record: the rehearsal's ledger is new). Returns the
 * channel names written; none when the source has no channels.
 */
export function restoreLedgerSections(workspace: string, sourceDir: string): string[] {
  const source = join(sourceDir, CONSORTIUM_FILE);
  const channels = (readYamlValue(source, ['channels']) as { name: string }[] | undefined) ?? [];
  const chaincodes = ((readYamlValue(source, ['chaincodes']) as Record<string, unknown>[] | undefined) ?? []).map(({ ledger: _committed, ...chaincode }) => chaincode);
  if (channels.length === 0) return [];
  recordInYamlFile(join(workspace, CONSORTIUM_FILE), [
    { path: ['channels'], value: channels, after: ['founder'] },
    ...(chaincodes.length > 0 ? [{ path: ['chaincodes'], value: chaincodes, after: ['channels'] }] : []),
  ]);
  return channels.map((channel) => channel.name);
}

/** Removes a workspace made by prepareWorkspace (the members directory and its repository). */
export function disposeWorkspace(dir: string): void {
  rmSync(dirname(dir), { recursive: true, force: true });
}

function chaincodeFolders(sourceDir: string): string[] {
  const chaincodes = (readYamlValue(join(sourceDir, CONSORTIUM_FILE), ['chaincodes']) as { path?: string }[] | undefined) ?? [];
  return [...new Set(chaincodes.map((chaincode) => chaincode.path?.split('/')[0]).filter((folder): folder is string => Boolean(folder) && folder !== '..' && folder !== '.'))];
}
