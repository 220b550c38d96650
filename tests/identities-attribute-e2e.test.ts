/**
 * The attribute path end to end, on real Fabric 2.2: the bank's identity manager registers and
 * enrolls its `royalty-payer` with role=payer in the certificate (secret in Secrets Manager,
 * moto), the documents chaincode requires role=payer (chaincodes[].requiredAttribute), and
 * Anchor succeeds as the payer and is refused to the bank's admin, whose certificate lacks it.
 */
import { CreateSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FabricNetwork } from '../sim/fabric/network';
import type { ConsortiumFixture } from './helpers/consortium-fixture';
import { requireFabric } from './helpers/fabric';
import { fabricCli } from './helpers/fabric-channel';
import { startMotoServer, type MotoServer } from './helpers/moto';
import { BANK, BANK_IDENTITY_PREFIX as PREFIX, BANK_PEER, enrollBankIdentities, FILMMAKER_PEER, payerOnlyRoyalties, startRoyalties } from './helpers/royalties-fabric';
import { requireTool } from './helpers/tools';

describe('a chaincode attribute check against an identity the manager enrolled (real Fabric 2.2)', () => {
  let fabric: FabricNetwork;
  let fixture: ConsortiumFixture;
  let moto: MotoServer;
  let secrets: SecretsManagerClient;
  let work: string;

  beforeAll(async () => {
    requireTool('jq');
    const binaries = await requireFabric();
    work = mkdtempSync(join(tmpdir(), 'identities-e2e-'));
    fixture = payerOnlyRoyalties();
    moto = await startMotoServer();
    secrets = new SecretsManagerClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    await secrets.send(new CreateSecretCommand({ Name: `${PREFIX}royalty-payer` }));
    ({ fabric } = await startRoyalties(binaries, fixture));
  }, 900_000);

  afterAll(async () => {
    secrets?.destroy();
    await fabric?.stop();
    await moto?.stop();
    fixture?.dispose();
    if (work) rmSync(work, { recursive: true, force: true });
  }, 120_000);

  /** A peer CLI environment that signs as the given certificate and key (an MSP folder in the test's temp dir). */
  const signingAs = (certificate: string, privateKey: string) => {
    const env = fabric.peerCliEnv(BANK);
    const msp = join(work, 'payer-msp');
    cpSync(env.CORE_PEER_MSPCONFIGPATH, msp, { recursive: true });
    for (const [folder, file, text] of [['signcerts', 'cert.pem', certificate], ['keystore', 'key_sk', privateKey]]) {
      rmSync(join(msp, folder), { recursive: true, force: true });
      mkdirSync(join(msp, folder));
      writeFileSync(join(msp, folder, file), text, { mode: 0o600 });
    }
    return { ...env, CORE_PEER_MSPCONFIGPATH: msp };
  };

  const anchor = (env: Record<string, string>, key: string) => {
    const endorsers = [FILMMAKER_PEER, BANK_PEER].flatMap((node) => ['--peerAddresses', fabric.peer(node)!.peerEndpoint, '--tlsRootCertFiles', fabric.tlsCaCertFile]);
    const hash = createHash('sha256').update(key).digest('hex');
    return fabricCli(env, 'peer', ['chaincode', 'invoke', '-C', 'royalties', '-n', 'documents', '-c', JSON.stringify({ Args: ['documents:Anchor', key, 'v1', hash] }), ...endorsers, '--waitForEvent', '-o', env.ORDERER, '--tls', '--cafile', env.ORDERER_TLS_CA]);
  };

  test('the payer the manager enrolled anchors; the bank admin, without role=payer, is refused', async () => {
    const [report] = await enrollBankIdentities(fabric, fixture, secrets);
    expect(report).toMatchObject({ name: 'royalty-payer', outcome: 'changed', actions: ['register', 'enroll'] });
    const payer = JSON.parse((await secrets.send(new GetSecretValueCommand({ SecretId: `${PREFIX}royalty-payer` }))).SecretString!);

    await expect(anchor(signingAs(payer.certificate, payer.privateKey), 'payments/2027-01.csv')).resolves.toMatch(/Chaincode invoke successful/);
    await expect(anchor(fabric.peerCliEnv(BANK), 'payments/2027-02.csv')).rejects.toThrow(/Anchor needs an identity whose certificate carries role=payer/);
  }, 300_000);
});
