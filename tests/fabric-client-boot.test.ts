/**
 * The Fabric client's boot script, run for real: the member's user data rendered by Terraform's
 * templatefile() as a plan would, run as root in a sandbox (package and service commands
 * stubbed) against the simulator with real Fabric behind it and moto_server as S3 and Secrets
 * Manager; then, as the operator would after `aws ssm start-session`, the CA, the first peer
 * and `fabric-use-peer 2` are tried as ec2-user.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSimulator, type RunningSimulator } from '../sim';
import { FABRIC_AMB, FABRIC_CA } from '../sim/fabric/versions';
import { USER_DATA_TEMPLATE, userDataVariables } from '../stacks/constructs/fabric-client';
import { ClientSandbox } from './helpers/client-sandbox';
import { fabricArchives, requireFabric } from './helpers/fabric';
import { createChannelByHand, fabricCli } from './helpers/fabric-channel';
import { availableMember, availableNode } from './helpers/fabric-sim';
import { workerMotoServer, type MotoServer } from './helpers/moto';
import { renderWithTerraform } from './helpers/render-template';
import { requireTool } from './helpers/tools';
import { Consortium, FABRIC_ADMIN, account } from './sim/helpers/sdk';
import { awsEnvironment } from './sim/helpers/tools';

/** A first boot that works takes seconds; a failing step is retried for minutes, which this bound cuts short. */
const SANDBOX_LIMIT_MS = 120_000;

describe('the Fabric client boot script against the simulator with real Fabric', () => {
  let moto: MotoServer;
  let sim: RunningSimulator;
  let sandbox: ClientSandbox;
  let result: { status: number | null; stdout: string; stderr: string };
  let peers: { nodeId: string; peer: string }[];
  let memberId: string;

  beforeAll(async () => {
    const binaries = await requireFabric();
    requireTool('aws');
    requireTool('unshare');
    moto = await workerMotoServer();
    sim = await startSimulator({ fabric: { s3Endpoint: moto.endpoint } });
    const consortium = await Consortium.found(sim, account(7));
    const { networkId } = consortium;
    memberId = consortium.founder.memberId;
    await availableMember(consortium.founder, networkId);
    peers = [];
    for (let i = 0; i < 2; i++) peers.push(await availableNode(consortium.founder.client, networkId, memberId));

    // Only the first peer joins a channel, so each peer's channel list tells which one answered.
    sandbox = new ClientSandbox(binaries);
    const fabric = sim.fabric!.network(networkId)!;
    const block = await createChannelByHand(fabric, memberId, 'royalties', [memberId], join(sandbox.dir, 'channel'));
    await fabricCli(fabric.peerCliEnv(memberId, peers[0].nodeId), 'peer', ['channel', 'join', '-b', block]);

    const awsEnv = awsEnvironment(account(7), { ...moto.env, AWS_ACCESS_KEY_ID: account(7), AWS_ENDPOINT_URL_SECRETS_MANAGER: moto.endpoint, AWS_ENDPOINT_URL_MANAGEDBLOCKCHAIN: sim.endpoint });
    const secret = JSON.parse(
      await fabricCli(awsEnv, 'aws', ['secretsmanager', 'create-secret', '--name', `${memberId}-admin`, '--secret-string', JSON.stringify({ password: FABRIC_ADMIN.AdminPassword }), '--output', 'json']),
    );
    // The releases the stack pins (client.archives): the sandbox's /opt/fabric already holds them
    // unpacked, so the script finds them installed, as on a reboot, and downloads nothing.
    const archives = fabricArchives();
    if (!archives) throw new Error('the Fabric archives are required by this test: set FABRIC_ARCHIVES to the folder with them and their SHA256SUMS');
    const sums = new Map(readFileSync(join(archives, 'SHA256SUMS'), 'utf8').trim().split('\n').map((line) => line.split(/\s+/).reverse() as [string, string]));
    const pin = (file: string) => ({ url: `s3://client-archives/${file}`, sha256: sums.get(file)! });
    const pinned = { fabric: pin(FABRIC_AMB.localArchive), fabricCa: pin(FABRIC_CA.localArchive) };
    const script = join(sandbox.dir, 'user-data.sh');
    writeFileSync(
      script,
      renderWithTerraform(
        USER_DATA_TEMPLATE,
        userDataVariables({ region: 'us-east-1', networkId, memberId, adminSecretArn: secret.ARN, adminUsername: FABRIC_ADMIN.AdminUsername, fabricVersion: FABRIC_AMB.version, fabricCaVersion: FABRIC_CA.version, archives: pinned }),
      ),
    );
    const operator = [
      'echo "== identities"; fabric-ca-client identity list',
      'echo "== first peer $CORE_PEER_ADDRESS"; peer channel list 2>/dev/null',
      'fabric-use-peer 2',
      'echo "== second peer $CORE_PEER_ADDRESS"; peer channel list 2>/dev/null',
    ].join(' && ');
    result = await sandbox.run(script, operator, Object.fromEntries(Object.entries(awsEnv).filter((entry): entry is [string, string] => entry[1] !== undefined)), SANDBOX_LIMIT_MS);
    if (result.status !== 0) process.stderr.write(`boot script failed; its log:\n${sandbox.setupLog()}\n${result.stderr}\n`);
  }, 600_000);

  afterAll(async () => {
    await sim?.stop();
    await moto?.stop();
    sandbox?.dispose();
  }, 60_000);

  it('completes on first boot, with only the package and service commands stubbed', () => {
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
    expect(result.stdout).toContain('boot script exit code: 0');
    expect(sandbox.setupLog()).toContain('setup complete');
    expect(sandbox.stubbedCalls()).toMatch(/^systemctl enable fabric-client-setup.service$/m);
  });

  it('keeps the admin password out of its log', () => {
    expect(sandbox.setupLog()).not.toContain(FABRIC_ADMIN.AdminPassword);
  });

  it("answers fabric-ca-client identity list from the member's CA as the enrolled admin", () => {
    const identities = result.stdout.slice(result.stdout.indexOf('== identities'), result.stdout.indexOf('== first peer'));
    expect(identities).toContain(`Name: ${FABRIC_ADMIN.AdminUsername}, Type: admin`);
    for (const peer of peers) expect(identities).toContain(`Name: ${peer.nodeId}, Type: peer`);
  });

  it("answers peer channel list from the member's first peer", () => {
    const first = result.stdout.slice(result.stdout.indexOf('== first peer'), result.stdout.indexOf('== second peer'));
    expect(first).toContain(`== first peer ${peers[0].peer}`);
    expect(first).toMatch(/Channels peers has joined: \nroyalties\n/);
  });

  it('switches to the second peer with fabric-use-peer 2, which answers too', () => {
    const second = result.stdout.slice(result.stdout.indexOf('== second peer'));
    expect(second).toContain(`== second peer ${peers[1].peer}`);
    expect(second).toMatch(/Channels peers has joined: \n$/);
  });
});
