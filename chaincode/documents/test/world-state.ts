/**
 * An in-memory stand-in for the peer side of `ChaincodeStub`: world state, the creator and
 * the transaction header. Composite keys use fabric-shim's own implementation, and the
 * contract reads the creator through fabric-shim's real ClientIdentity.
 */
import { Context } from 'fabric-contract-api';
import { ChaincodeStub, ClientIdentity } from 'fabric-shim';

export class WorldState {
  readonly state = new Map<string, Buffer>();
  private transactions = 0;

  /** A transaction context of the given identity at the given time. */
  context(mspId: string, certificatePem: string, at: Date): Context {
    const txId = `tx${++this.transactions}`;
    const world = this.state;
    const stub = {
      createCompositeKey: ChaincodeStub.prototype.createCompositeKey,
      getChannelID: () => 'royalties',
      getTxID: () => txId,
      getCreator: () => ({ mspid: mspId, idBytes: Buffer.from(certificatePem) }),
      getTxTimestamp: () => ({ seconds: { toString: () => String(Math.floor(at.getTime() / 1000)) }, nanos: (at.getTime() % 1000) * 1e6 }),
      getState: async (key: string) => world.get(key) ?? Buffer.alloc(0),
      putState: async (key: string, value: Buffer) => {
        world.set(key, Buffer.from(value));
      },
      getStateByPartialCompositeKey(objectType: string, attributes: string[]) {
        const prefix = ChaincodeStub.prototype.createCompositeKey.call(this, objectType, attributes);
        const entries = [...world.entries()].filter(([key]) => key.startsWith(prefix)).sort(([a], [b]) => (a < b ? -1 : 1));
        return (async function* () {
          for (const [key, value] of entries) yield { key, value, namespace: 'documents' };
        })();
      },
    };
    const context = new Context();
    context.stub = stub as unknown as ChaincodeStub;
    context.clientIdentity = new ClientIdentity(context.stub);
    return context;
  }
}
