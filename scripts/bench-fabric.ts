/**
 * `npm run bench:fabric`: time and memory to bring up the real Fabric of a consortium
 * (CONSORTIUM_DIR, default the sample: 4 members, 5 peers) as the simulator does with
 * `--fabric`: one Raft orderer, a fabric-ca-server per member with its admin enrolled, every
 * member in AWSSystemConsortium, a peer per configured peer node. Memory is the resident set
 * (VmRSS) of all Fabric processes once everything is up. Prints figures; asserts nothing.
 * `-- --runs N` repeats the measurement (default 1).
 */
import { readFileSync } from 'node:fs';
import { printedUsage, runMain } from '../lib/cli';
import { consortiumDir, loadConsortium } from '../lib/config';
import { UsageError } from '../lib/errors';
import { generateAdminPassword } from '../lib/rehearsal/stand-in-deploy';
import { FabricNetwork } from '../sim/fabric/network';

const TARGET_MS = 30_000;
const TARGET_MB = 600;

function residentMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
  return kib / 1024;
}

async function bringUp(): Promise<{ phases: [string, number][]; totalMs: number; rssMb: number; processes: number }> {
  const consortium = loadConsortium(consortiumDir());
  const started = Date.now();
  const phases: [string, number][] = [];
  const mark = (phase: string) => phases.push([phase, Date.now() - started]);
  const fabric = await FabricNetwork.start({ networkId: 'n-BENCH' });
  try {
    mark('orderer ready');
    const members = consortium.members.map((member, index) => ({ member, memberId: `m-BENCH${index}` }));
    await Promise.all(
      members.map(async ({ member, memberId }) => {
        await fabric.startMember({ memberId, adminUsername: member.adminUsername, adminPassword: generateAdminPassword() });
        await Promise.all([fabric.addToConsortium(memberId), ...member.peers.map((peer) => fabric.startPeer(memberId, `nd-${memberId}-${peer.name}`))]);
      }),
    );
    mark(`${members.length} CAs, consortium, ${members.reduce((sum, { member }) => sum + member.peers.length, 0)} peers ready`);
    const processes = fabric.processes();
    const rssMb = processes.reduce((sum, { pid }) => sum + residentMb(pid), 0);
    return { phases, totalMs: Date.now() - started, rssMb, processes: processes.length };
  } finally {
    await fabric.stop();
  }
}

const FABRIC_USAGE = `usage: npm run bench:fabric [-- --runs N]
Wall time and resident memory to bring up the real Fabric of the consortium in CONSORTIUM_DIR
(default members/): orderer, one CA per member, every peer; N runs (default 1). Prints figures.`;

void runMain(async () => {
  const args = process.argv.slice(2);
  if (printedUsage(FABRIC_USAGE, args)) return;
  const runs = args.length === 0 ? 1 : args.length === 2 && args[0] === '--runs' && /^\d+$/.test(args[1]) ? Number(args[1]) : 0;
  if (runs < 1) throw new UsageError(`got "${args.join(' ')}" (allowed: nothing, or --runs N with N a whole number >= 1)\n${FABRIC_USAGE}`);
  const consortium = loadConsortium(consortiumDir());
  const peers = consortium.members.reduce((sum, member) => sum + member.peers.length, 0);
  process.stdout.write(`Fabric 2.2 for ${consortium.members.length} members and ${peers} peers (${consortium.dir}); target < ${TARGET_MS / 1000} s, < ${TARGET_MB} MB\n`);
  for (let run = 1; run <= runs; run++) {
    const result = await bringUp();
    const phases = result.phases.map(([phase, ms]) => `${phase} ${(ms / 1000).toFixed(1)} s`).join(', ');
    process.stdout.write(`run ${run}: ready in ${(result.totalMs / 1000).toFixed(1)} s (${phases}); ${result.processes} processes, ${result.rssMb.toFixed(0)} MB resident\n`);
  }
});
