import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FabricBinaries } from '../sim/fabric/binaries';
import { FabricNetwork } from '../sim/fabric/network';
import { createServer, type Server } from 'node:net';
import { FabricProcess, ProcessStartError, freePort, acceptsConnections as listening, startOnFreePorts } from '../sim/fabric/processes';
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
  /** Ports the network is given before freePort's: a test puts a taken one here. */
  const portsFirst: number[] = [];
  let taken: Server;
  let takenPort: number;

  beforeAll(async () => {
    binaries = await requireFabric();
    work = mkdtempSync(join(tmpdir(), 'fabric-network-test-'));
    taken = createServer();
    takenPort = await new Promise<number>((resolve) => taken.listen(0, '127.0.0.1', () => resolve((taken.address() as { port: number }).port)));
    fabric = await FabricNetwork.start({ networkId: 'n-TEST', binaries, choosePort: async () => portsFirst.shift() ?? freePort() });
    await fabric.startMember({ memberId: 'm-FOUNDER', ...admin });
    await Promise.all([fabric.addToConsortium('m-FOUNDER'), fabric.startPeer('m-FOUNDER', 'nd-FOUNDER1')]);
  }, 240_000);

  afterAll(async () => {
    await fabric?.stop();
    await new Promise((resolve) => taken?.close(resolve));
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
      new RegExp(`orderer of a broken network exited \\(code \\d+\\) before healthy at http://127.0.0.1:9/healthz; (it logged:\\n.*\\n)?its log is ${log}, ending:\\n[\\s\\S]*orderer`),
    );
  });

  it('starts a peer again on new ports when a port it was given is taken before it binds it', async () => {
    // The chaincode listen port (the second one a peer is given) is the one another process held in a CI run.
    portsFirst.push(await freePort(), takenPort, await freePort());
    const peer = await fabric.startPeer('m-FOUNDER', 'nd-FOUNDER2');
    try {
      expect(portsFirst).toEqual([]);
      const log = readFileSync(peer.logFile, 'utf8');
      expect(log).toMatch(new RegExp(`Failed to create chaincode server: .*127\\.0\\.0\\.1:${takenPort}: bind: address already in use`));
      expect(await listening(peer.peerEndpoint)).toBe(true);
      expect((await fetch(`${peer.operationsUrl}/healthz`)).ok).toBe(true);
    } finally {
      await fabric.stopPeer('nd-FOUNDER2');
    }
  });

  it("gives up after three starts whose port is taken, quoting the peer's panic line that its goroutine stacks pushed out of the log's end", async () => {
    for (let attempt = 0; attempt < 3; attempt++) portsFirst.push(await freePort(), takenPort, await freePort());
    const started = fabric.startPeer('m-FOUNDER', 'nd-FOUNDER3');
    await expect(started).rejects.toThrow(ProcessStartError);
    await expect(started).rejects.toThrow(new RegExp(`peer nd-FOUNDER3 of member m-FOUNDER exited \\(code 2\\) before (healthy at|started) .*; it logged:\\n.*PANI.*Failed to create chaincode server: .*:${takenPort}: bind: address already in use\\nits log is `));
    expect(portsFirst).toEqual([]);
    expect(fabric.peer('nd-FOUNDER3')).toBeUndefined();
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

describe('freePort and startOnFreePorts', () => {
  it("hands out ports below the kernel's ephemeral range, bindable, never the same one twice in a process", async () => {
    const [ephemeralLow] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    const ports = await Promise.all(Array.from({ length: 200 }, () => freePort()));
    expect(new Set(ports).size).toBe(200);
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(ephemeralLow - 10_000);
      expect(port).toBeLessThan(ephemeralLow);
    }
    const server = createServer();
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(ports[0], '127.0.0.1', resolve));
    await new Promise((resolve) => server.close(resolve));
  });

  it('never hands one port to two calls running at the same time, even once the first has released it', async () => {
    // The second call draws a held port, then, while the first call's check has closed its
    // listener but not yet returned, the first call's port: the port is free, and handed out.
    const listenOn = async (server: Server) => {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return (server.address() as { port: number }).port;
    };
    const held = createServer();
    try {
      const heldPort = await listenOn(held);
      const released = createServer();
      const sharedPort = await listenOn(released);
      await new Promise((resolve) => released.close(resolve));
      const draws = [sharedPort, heldPort, sharedPort];
      const draw = (low: number, high: number) => draws.shift() ?? low + Math.floor(Math.random() * (high - low));
      const [first, second] = await Promise.all([freePort(draw), freePort(draw)]);
      expect(draws).toEqual([]);
      expect(first).toBe(sharedPort);
      expect(second).not.toBe(sharedPort);
    } finally {
      await new Promise((resolve) => held.close(resolve));
    }
  });

  it('starts again on new ports only when a port was taken, three times in all', async () => {
    let next = 40_000;
    const choose = async () => next++;
    const given: number[][] = [];
    const portTaken = (ports: number[]) => {
      given.push(ports);
      return Promise.reject(new ProcessStartError('bind: address already in use', true));
    };
    await expect(startOnFreePorts(2, portTaken, choose)).rejects.toThrow('address already in use');
    expect(given).toEqual([
      [40_000, 40_001],
      [40_002, 40_003],
      [40_004, 40_005],
    ]);

    given.length = 0;
    const otherFailure = (ports: number[]) => {
      given.push(ports);
      return Promise.reject(new ProcessStartError('exited (code 1) before healthy', false));
    };
    await expect(startOnFreePorts(1, otherFailure, choose)).rejects.toThrow('exited (code 1)');
    expect(given).toEqual([[40_006]]);

    given.length = 0;
    const secondTime = (ports: number[]) => (given.push(ports) === 1 ? portTaken(ports) : Promise.resolve(`up on ${ports[0]}`));
    await expect(startOnFreePorts(1, secondTime, choose)).resolves.toBe('up on 40008');
  });
});
