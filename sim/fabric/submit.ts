/**
 * A member admin's transactions on a local Fabric network through the Fabric 2.2 Node SDK's
 * low-level client (`fabric-common`): endorse on the member's peer, send to the orderer, and,
 * when asked, wait until the peer has committed the transaction's block. Used by tests and
 * benchmarks that need many transactions quickly (a process per `peer chaincode invoke` costs
 * more than the transaction).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, User, type Channel, type Committer, type Endorser, type IdentityContext } from 'fabric-common';
import type { FabricNetwork } from './network';

/** Bound on one endorsement or broadcast, ms: the first call starts the chaincode's process. */
const REQUEST_TIMEOUT_MS = 120_000;

/** What the SDK returned for one submitted transaction. */
export interface SubmittedTransaction {
  readonly txId: string;
  /** Chaincode response status (200 for success) and payload as the endorsing peer returned them. */
  readonly status: number;
  readonly payload: string;
  /** The orderer's answer to the broadcast ("SUCCESS"). */
  readonly broadcast: string;
}

/** A member admin's connection to its first peer and the orderer. */
export class ChaincodeSubmitter {
  private constructor(
    private readonly client: Client,
    private readonly identity: IdentityContext,
    private readonly endorser: Endorser,
    private readonly committer: Committer,
    private readonly channels = new Map<string, Channel>(),
  ) {}

  /** Connects as `memberId`'s admin to its first running peer and to the orderer. */
  static async connect(fabric: FabricNetwork, memberId: string): Promise<ChaincodeSubmitter> {
    const env = fabric.peerCliEnv(memberId);
    const mspDir = env.CORE_PEER_MSPCONFIGPATH;
    const first = (folder: string) => readFileSync(join(mspDir, folder, readdirSync(join(mspDir, folder)).sort()[0]), 'utf8');
    const client = new Client(`submitter-${memberId}`);
    const user = User.createUser('admin', '', memberId, first('signcerts'), first('keystore'));
    const identity = client.newIdentityContext(user);
    const pem = readFileSync(fabric.tlsCaCertFile, 'utf8');
    const endorser = client.newEndorser(env.CORE_PEER_ADDRESS, memberId);
    await endorser.connect(client.newEndpoint({ url: `grpcs://${env.CORE_PEER_ADDRESS}`, pem, requestTimeout: REQUEST_TIMEOUT_MS }));
    const committer = client.newCommitter('orderer', 'OrdererMSP');
    await committer.connect(client.newEndpoint({ url: `grpcs://${fabric.ordererEndpoint}`, pem, requestTimeout: REQUEST_TIMEOUT_MS }));
    return new ChaincodeSubmitter(client, identity, endorser, committer);
  }

  /** Endorses `fcn(args)` of `chaincode` on the member's peer and sends it to the orderer; does not wait for the commit. */
  async submit(channelName: string, chaincode: string, fcn: string, args: string[]): Promise<SubmittedTransaction> {
    let channel = this.channels.get(channelName);
    if (!channel) {
      channel = this.client.newChannel(channelName);
      this.channels.set(channelName, channel);
    }
    const endorsement = channel.newEndorsement(chaincode);
    endorsement.build(this.identity, { fcn, args });
    endorsement.sign(this.identity);
    const endorsed = await endorsement.send({ targets: [this.endorser], requestTimeout: REQUEST_TIMEOUT_MS });
    const response = endorsed.responses[0];
    if (!response || response.response.status !== 200) {
      throw new Error(`${fcn} was not endorsed: ${endorsed.errors.map((error) => error.message).join('; ') || response?.response.message}`);
    }
    const commit = endorsement.newCommit();
    commit.build(this.identity);
    commit.sign(this.identity);
    const sent = (await commit.send({ targets: [this.committer], requestTimeout: REQUEST_TIMEOUT_MS })) as { status?: string; info?: string };
    if (sent.status !== 'SUCCESS') throw new Error(`the orderer refused ${fcn}: ${sent.status} ${sent.info ?? ''}`);
    return { txId: endorsement.getTransactionId(), status: response.response.status, payload: response.response.payload.toString('utf8'), broadcast: sent.status };
  }

  /**
   * Submits one transaction per argument list, `inFlight` at once (the first alone: it may
   * start the chaincode's process); resolves when the orderer has taken all of them.
   */
  async submitAll(channelName: string, chaincode: string, fcn: string, argsList: readonly string[][], inFlight = 8): Promise<SubmittedTransaction[]> {
    const results: SubmittedTransaction[] = [];
    if (argsList.length === 0) return results;
    results[0] = await this.submit(channelName, chaincode, fcn, argsList[0]);
    let next = 1;
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        for (let index = next++; index < argsList.length; index = next++) results[index] = await this.submit(channelName, chaincode, fcn, argsList[index]);
      }),
    );
    return results;
  }

  close(): void {
    for (const channel of this.channels.values()) channel.close();
    this.endorser.disconnect();
    this.committer.disconnect();
  }
}
