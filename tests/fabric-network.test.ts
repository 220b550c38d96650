import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FabricBinaries } from '../sim/fabric/binaries';
import { FabricNetwork } from '../sim/fabric/network';
import { FabricProcess, acceptsConnections as listening } from '../sim/fabric/processes';
import { alive, requireFabric } from './helpers/fabric';
import { fabricCli } from './helpers/fabric-channel';

const admin = { adminUsername: 'founderadmin', adminPassword: 'Founder-Passw0rd' };

/**
 * The process layer on its own. A member joining later, channels made with the peer CLI and
 * deleted nodes are tested through the simulator (tests/sim/fabric.test.ts), on the same code.
 */
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

  it("serves the member's CA over TLS from the simulator TLS CA, with the admin enrolled as an admin", async () => {
    const member = fabric.member('m-FOUNDER')!;
    await fabricCli({}, join(binaries.caBin, 'fabric-ca-client'), ['getcainfo', '-u', `https://${member.caEndpoint}`, '--tls.certfiles', fabric.tlsCaCertFile, '--home', join(work, 'probe'), '--mspdir', join(work, 'probe', 'msp')]);
    const [caFile] = readdirSync(join(work, 'probe', 'msp', 'cacerts'));
    expect(readFileSync(join(work, 'probe', 'msp', 'cacerts', caFile), 'utf8')).toBe(member.caCertPem);
    const subject = await fabricCli({}, 'openssl', ['x509', '-in', join(member.adminMspDir, 'signcerts', 'cert.pem'), '-noout', '-subject']);
    expect(subject).toMatch(/OU ?= ?admin/);
    expect(subject).toMatch(/CN ?= ?founderadmin/);
  });

  it('boots the orderer with AWSSystemConsortium holding the members that joined', async () => {
    expect(await fabric.consortiumMembers()).toEqual(['m-FOUNDER']);
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
    expect(pids.length).toBe(3);
    const endpoints = [fabric.ordererEndpoint, fabric.member('m-FOUNDER')!.caEndpoint, ...fabric.peersOf('m-FOUNDER').map((p) => p.peerEndpoint)];
    await fabric.stop();
    expect(pids.filter(alive)).toEqual([]);
    expect(await Promise.all(endpoints.map(listening))).toEqual(endpoints.map(() => false));
    expect(existsSync(fabric.dir)).toBe(false);
  });
});
