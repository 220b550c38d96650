/**
 * The simulator with real Fabric behind it (`startSimulator({ fabric })`): the endpoints AMB's
 * API returns are real orderer, CA and peer processes, TLS comes from the chain published on
 * S3 (moto_server here), deletions stop processes and stop() leaves nothing behind.
 */
import { DeleteNodeCommand, GetNetworkCommand } from '@aws-sdk/client-managedblockchain';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { startSimulator, type RunningSimulator } from '../../sim';
import type { FabricBinaries } from '../../sim/fabric/binaries';
import { acceptsConnections } from '../../sim/fabric/processes';
import { alive, requireFabric } from '../helpers/fabric';
import { createChannelByHand, fabricCli } from '../helpers/fabric-channel';
import { workerMotoServer, type MotoServer } from '../helpers/moto';
import { requireTool } from '../helpers/tools';
import { Consortium, FABRIC_ADMIN, account } from './helpers/sdk';
import { availableMember, availableNode, until } from '../helpers/fabric-sim';
import { awsEnvironment } from './helpers/tools';

describe('simulator backed by real Fabric 2.2', () => {
  let binaries: FabricBinaries;
  let moto: MotoServer;
  let sim: RunningSimulator;
  let consortium: Consortium;
  let work: string;
  let tlsChain: string;
  let founderPeer: { nodeId: string; peer: string };

  beforeAll(async () => {
    binaries = await requireFabric();
    requireTool('aws');
    work = mkdtempSync(join(tmpdir(), 'sim-fabric-test-'));
    moto = await workerMotoServer();
    sim = await startSimulator({ fabric: { s3Endpoint: moto.endpoint } });
    consortium = await Consortium.found(sim, account(1));
    await availableMember(consortium.founder, consortium.networkId);
    founderPeer = await availableNode(consortium.founder.client, consortium.networkId, consortium.founder.memberId);
    tlsChain = join(work, 'managedblockchain-tls-chain.pem');
    await fabricCli(awsEnvironment(account(1), moto.env), 'aws', ['s3', 'cp', '--only-show-errors', 's3://us-east-1.managedblockchain/etc/managedblockchain-tls-chain.pem', tlsChain]);
  }, 300_000);

  afterAll(async () => {
    await sim?.stop();
    await moto?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  }, 60_000);

  it("publishes the simulator TLS CA as the region's managedblockchain-tls-chain.pem on S3", () => {
    expect(readFileSync(tlsChain, 'utf8')).toBe(sim.fabric!.tlsChainPem);
  });

  it("returns the real orderer as GetNetwork's OrderingServiceEndpoint, serving TLS that the published chain verifies", async () => {
    const { Network } = await consortium.founder.client.send(new GetNetworkCommand({ NetworkId: consortium.networkId }));
    const endpoint = Network!.FrameworkAttributes!.Fabric!.OrderingServiceEndpoint!;
    expect(endpoint).toMatch(/^127\.0\.0\.1:\d+$/);
    const [host, port] = endpoint.split(':');
    const authorized = await new Promise<boolean>((resolve, reject) => {
      const socket = connect({ host, port: Number(port), ca: readFileSync(tlsChain), ALPNProtocols: ['h2'] }, () => {
        resolve(socket.authorized);
        socket.destroy();
      });
      socket.once('error', reject);
    });
    expect(authorized).toBe(true);
  });

  it("returns the member's real fabric-ca-server as GetMember's CaEndpoint, enrolling the admin with the password given to CreateNetwork", async () => {
    const caEndpoint = await availableMember(consortium.founder, consortium.networkId);
    expect(caEndpoint).toMatch(/^127\.0\.0\.1:\d+$/);
    const msp = join(work, 'founder-admin-msp');
    await fabricCli({ FABRIC_CA_CLIENT_URL: `https://${FABRIC_ADMIN.AdminUsername}:${FABRIC_ADMIN.AdminPassword}@${caEndpoint}` }, join(binaries.caBin, 'fabric-ca-client'), [
      'enroll', '--home', join(work, 'ca-client'), '--mspdir', msp, '--tls.certfiles', tlsChain,
    ]);
    const subject = await fabricCli({}, 'openssl', ['x509', '-in', join(msp, 'signcerts', 'cert.pem'), '-noout', '-subject']);
    expect(subject).toMatch(/OU ?= ?admin/);
    // What AMB's Fabric client does after enrolling its admin.
    mkdirSync(join(msp, 'admincerts'));
    copyFileSync(join(msp, 'signcerts', 'cert.pem'), join(msp, 'admincerts', 'cert.pem'));
  });

  it("returns the member's real peer as GetNode's PeerEndpoint: peer channel list answers there for the enrolled admin", async () => {
    expect(founderPeer.peer).toMatch(/^127\.0\.0\.1:\d+$/);
    const listed = await fabricCli(
      {
        PATH: `${binaries.amb.bin}:${process.env.PATH}`,
        FABRIC_CFG_PATH: binaries.amb.config,
        CORE_PEER_TLS_ENABLED: 'true',
        CORE_PEER_LOCALMSPID: consortium.founder.memberId,
        CORE_PEER_MSPCONFIGPATH: join(work, 'founder-admin-msp'),
        CORE_PEER_TLS_ROOTCERT_FILE: tlsChain,
        CORE_PEER_ADDRESS: founderPeer.peer,
      },
      'peer',
      ['channel', 'list'],
    );
    expect(listed).toContain('Channels peers has joined');
  });

  it("adds a member joining later to AWSSystemConsortium; its peer joins a channel the founder's admin created with the peer CLI", async () => {
    const bank = await consortium.join(account(2), 'bank');
    await availableMember(bank, consortium.networkId);
    const bankPeer = await availableNode(bank.client, consortium.networkId, bank.memberId);
    const fabric = sim.fabric!.network(consortium.networkId)!;
    expect(await fabric.consortiumMembers()).toEqual([consortium.founder.memberId, bank.memberId].sort());

    await createChannelByHand(fabric, consortium.founder.memberId, 'royalties', [consortium.founder.memberId, bank.memberId], join(work, 'channel'));
    const bankEnv = fabric.peerCliEnv(bank.memberId, bankPeer.nodeId);
    const block = join(work, 'bank-royalties.block');
    await fabricCli(bankEnv, 'peer', ['channel', 'fetch', '0', block, '-c', 'royalties', '-o', bankEnv.ORDERER, '--tls', '--cafile', bankEnv.ORDERER_TLS_CA]);
    await fabricCli(bankEnv, 'peer', ['channel', 'join', '-b', block]);
    expect(bankEnv.CORE_PEER_ADDRESS).toBe(bankPeer.peer);
    expect(await fabricCli(bankEnv, 'peer', ['channel', 'list'])).toMatch(/^royalties$/m);
  });

  it("stops a node's peer when DeleteNode is called: its process ends and its port closes", async () => {
    const bank = consortium.seat('bank');
    const doomed = await availableNode(bank.client, consortium.networkId, bank.memberId);
    const pid = sim.fabric!.processes().find((p) => p.name.startsWith(`peer ${doomed.nodeId} `))!.pid;
    await bank.client.send(new DeleteNodeCommand({ NetworkId: consortium.networkId, MemberId: bank.memberId, NodeId: doomed.nodeId }));
    await until(`peer ${doomed.nodeId} gone`, async () => (alive(pid) ? undefined : true));
    expect(await acceptsConnections(doomed.peer)).toBe(false);
    expect(sim.fabric!.network(consortium.networkId)!.peer(doomed.nodeId)).toBeUndefined();
  });

  it('stops every Fabric process when the simulator stops, leaving nothing listening', async () => {
    const fabric = sim.fabric!.network(consortium.networkId)!;
    const processes = sim.fabric!.processes();
    expect(processes.map((p) => p.name.split(' ')[0]).sort()).toEqual(['fabric-ca-server', 'fabric-ca-server', 'orderer', 'peer', 'peer']);
    const endpoints = [fabric.ordererEndpoint, ...[consortium.founder, consortium.seat('bank')].flatMap((seat) => [fabric.member(seat.memberId)!.caEndpoint, ...fabric.peersOf(seat.memberId).map((p) => p.peerEndpoint)])];
    await sim.stop();
    expect(processes.filter((p) => alive(p.pid))).toEqual([]);
    expect(await Promise.all(endpoints.map(acceptsConnections))).toEqual(endpoints.map(() => false));
  });
});

describe('startSimulator({ fabric })', () => {
  it('refuses a state file, since Fabric processes and ledgers do not outlive the simulator', async () => {
    await expect(startSimulator({ fabric: true, stateFile: join(tmpdir(), 'never-written.json') })).rejects.toThrow('fabric cannot be combined with stateFile');
  });
});
