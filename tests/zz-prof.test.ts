import { readFileSync, readdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createChannelByHand, deployChaincodeByHand, fabricCli } from '../sim/fabric/channel';
import { FabricNetwork } from '../sim/fabric/network';
import { ChaincodeSubmitter } from '../sim/fabric/submit';
import { DeliverBlockSource } from '../lib/archive/deliver';
import { requireFabric } from '../tests/helpers/fabric';

function cpu(): Map<string, number> {
  const out = new Map<string, number>();
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, 3).join(' ').slice(0, 80);
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const t = (Number(f[11]) + Number(f[12])) / 100;
      out.set(`${pid} ${cmd}`, t);
    } catch {}
  }
  return out;
}
function diff(a: Map<string, number>, b: Map<string, number>) {
  const rows: [string, number][] = [];
  for (const [k, v] of b) { const d = v - (a.get(k) ?? 0); if (d > 0.2) rows.push([k, d]); }
  rows.sort((x, y) => y[1] - x[1]);
  return rows.map(([k, d]) => `${d.toFixed(2)}s ${k}`).join('\n');
}
const T = () => performance.now() / 1000;
test('profile', async () => {
  const binaries = await requireFabric();
  const work = mkdtempSync(join(tmpdir(), 'prof-'));
  let c0 = cpu(); let t0 = T();
  const fabric = await FabricNetwork.start({ networkId: 'n-PROF', binaries, maxMessageCount: 1 });
  await fabric.startMember({ memberId: 'm-BANK', adminUsername: 'bankadmin', adminPassword: 'Bank-Passw0rd1' });
  await Promise.all([fabric.addToConsortium('m-BANK'), fabric.startPeer('m-BANK', 'nd-BANK1')]);
  const peerEnv = fabric.peerCliEnv('m-BANK');
  let c1 = cpu(); console.log(`network ${(T()-t0).toFixed(1)}s\n` + diff(c0, c1)); t0 = T(); c0 = c1;
  const genesis = await createChannelByHand(fabric, 'm-BANK', 'royalties', ['m-BANK'], join(work, 'channel'));
  await fabricCli(peerEnv, 'peer', ['channel', 'join', '-b', genesis]);
  c1 = cpu(); console.log(`channel ${(T()-t0).toFixed(1)}s\n` + diff(c0, c1)); t0 = T(); c0 = c1;
  await deployChaincodeByHand(fabric, 'm-BANK', 'royalties', { name: 'documents', version: '1.0', path: 'chaincode/documents' }, join(work, 'chaincode'));
  c1 = cpu(); console.log(`deploy ${(T()-t0).toFixed(1)}s\n` + diff(c0, c1)); t0 = T(); c0 = c1;
  const heights = new DeliverBlockSource({ env: { ...process.env, ...peerEnv } });
  const submitter = await ChaincodeSubmitter.connect(fabric, 'm-BANK');
  const before = await heights.height('royalties');
  await submitter.submitAll('royalties', 'documents', 'documents:Anchor', Array.from({ length: 40 }, (_, i) => [`s/${i}.csv`, 'v1', 'a'.repeat(64)]));
  while ((await heights.height('royalties')) < before + 40) await new Promise((r) => setTimeout(r, 250));
  c1 = cpu(); console.log(`40 tx ${(T()-t0).toFixed(1)}s\n` + diff(c0, c1)); t0 = T(); c0 = c1;
  submitter.close();
  await fabric.stop();
}, 600000);
