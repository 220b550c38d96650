import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FabricBinaries } from '../sim/fabric/binaries';
import { FabricNetwork } from '../sim/fabric/network';
import { FabricProcess, acceptsConnections as listening } from '../sim/fabric/processes';
import { requireFabric } from './helpers/fabric';
import { createChannelByHand, fabricCli } from './helpers/fabric-channel';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const admin = { adminUsername: 'founderadmin', adminPassword: 'Founder-Passw0rd' };

describe('FabricNetwork (real Fabric 2.2: Raft orderer, fabric-ca-server, peers)', () => {
  let binaries: FabricBinaries;
  let fabric: FabricNetwork;
  let work: string;

  beforeAll(async () => {
    binaries = await requireFabric();
    work = mkdtempSync(join(tmpdir(), 'fabric-network-test-'));
    fabric = await FabricNetwork.start({ networkId: 'n-TEST', binaries });
    await fabric.startMember({ memberId: 'm-FOUNDER', ...admin });
    await Promise.all([fabric.addToConsortium('m-FOUNDER'), fabric.startPeer('m-FOUNDER', 'nd-FOUNDER1')]);
  }, 240_000);

  afterAll(async () => {
    await fabric?.stop();
    rmSync(work, { recursive: true, force: true });
  }, 60_000);

  it("serves the member's CA over TLS from the simulator TLS CA, with the admin enrolled as an admin", () => {
    const member = fabric.member('m-FOUNDER')!;
    const info = fabricCli({}, join(binaries.caBin, 'fabric-ca-client'), ['getcainfo', '-u', `https://${member.caEndpoint}`, '--tls.certfiles', fabric.tlsCaCertFile, '--home', join(work, 'probe'), '--mspdir', join(work, 'probe', 'msp')]);
    expect(info).toBe('');
    const subject = fabricCli({}, 'openssl', ['x509', '-in', join(member.adminMspDir, 'signcerts', 'cert.pem'), '-noout', '-subject']);
    expect(subject).toMatch(/OU ?= ?admin/);
    expect(subject).toMatch(/CN ?= ?founderadmin/);
  });

  it('boots the orderer with AWSSystemConsortium holding the members that joined', async () => {
    expect(await fabric.consortiumMembers()).toEqual(['m-FOUNDER']);
  });

  it("lets a member joining later reach the consortium, and its peer join a channel another member's admin created with the peer CLI", async () => {
    await fabric.startMember({ memberId: 'm-LATE', adminUsername: 'lateadmin', adminPassword: 'Late-Passw0rd' });
    await fabric.addToConsortium('m-LATE');
    expect(await fabric.consortiumMembers()).toEqual(['m-FOUNDER', 'm-LATE']);
    await fabric.startPeer('m-LATE', 'nd-LATE1');

    const block = createChannelByHand(fabric, 'm-FOUNDER', 'royalties', ['m-FOUNDER', 'm-LATE'], join(work, 'channel'));
    const lateEnv = fabric.peerCliEnv('m-LATE');
    const fetched = join(work, 'late-royalties.block');
    fabricCli(lateEnv, 'peer', ['channel', 'fetch', '0', fetched, '-c', 'royalties', '-o', lateEnv.ORDERER, '--tls', '--cafile', lateEnv.ORDERER_TLS_CA]);
    fabricCli(lateEnv, 'peer', ['channel', 'join', '-b', fetched]);
    fabricCli(fabric.peerCliEnv('m-FOUNDER'), 'peer', ['channel', 'join', '-b', block]);

    expect(fabricCli(lateEnv, 'peer', ['channel', 'list'])).toMatch(/^royalties$/m);
    expect(fabricCli(fabric.peerCliEnv('m-FOUNDER'), 'peer', ['channel', 'list'])).toMatch(/^royalties$/m);
  });

  it("stops a deleted node's peer: its process is gone and its port closed", async () => {
    const peer = await fabric.startPeer('m-LATE', 'nd-LATE2');
    const pid = fabric.processes().find((p) => p.name.startsWith('peer nd-LATE2'))!.pid;
    expect(await listening(peer.peerEndpoint)).toBe(true);
    await fabric.stopPeer('nd-LATE2');
    expect(alive(pid)).toBe(false);
    expect(await listening(peer.peerEndpoint)).toBe(false);
    expect(fabric.peer('nd-LATE2')).toBeUndefined();
  });

  it('names the process and its log when one exits before it is ready', async () => {
    const log = join(work, 'broken-orderer.log');
    const broken = FabricProcess.start('orderer of a broken network', join(binaries.amb.bin, 'orderer'), [], { logFile: log, env: { FABRIC_CFG_PATH: join(work, 'no-such-config') } });
    await expect(broken.waitHealthy('http://127.0.0.1:9/healthz', 30_000)).rejects.toThrow(
      new RegExp(`orderer of a broken network exited \\(code \\d+\\) before healthy at http://127.0.0.1:9/healthz; its log is ${log}, ending:\\n[\\s\\S]*orderer`),
    );
  });

  it('stops every process on stop(), leaving nothing listening and its work folder removed', async () => {
    const pids = fabric.processes().map((p) => p.pid);
    expect(pids.length).toBe(5);
    const endpoints = [fabric.ordererEndpoint, fabric.member('m-FOUNDER')!.caEndpoint, fabric.member('m-LATE')!.caEndpoint, ...fabric.peersOf('m-FOUNDER').map((p) => p.peerEndpoint), ...fabric.peersOf('m-LATE').map((p) => p.peerEndpoint)];
    await fabric.stop();
    expect(pids.filter(alive)).toEqual([]);
    expect(await Promise.all(endpoints.map(listening))).toEqual(endpoints.map(() => false));
    expect(existsSync(fabric.dir)).toBe(false);
  });
});
