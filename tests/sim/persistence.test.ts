import { GetProposalCommand, ListNetworksCommand } from '@aws-sdk/client-managedblockchain';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator } from '../../sim';
import { account, clientFor, Consortium } from './helpers/sdk';

const HOUR = 3_600_000;

describe('the state file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'amb-sim-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the consortium, its votes and the advanced clock across a restart', async () => {
    const stateFile = join(dir, 'state.json');
    const first = await startSimulator({ stateFile });
    const consortium = await Consortium.found(first, account(1));
    await consortium.join(account(2), 'bank');
    const proposalId = await consortium.propose(consortium.founder, { Invitations: [{ Principal: account(9) }] });
    await consortium.vote(consortium.founder, proposalId, 'YES');
    first.advanceClock(20 * HOUR);
    await first.stop();

    const second = await startSimulator({ stateFile });
    try {
      const client = clientFor(second, account(1));
      const read = () => client.send(new GetProposalCommand({ NetworkId: consortium.networkId, ProposalId: proposalId }));
      expect((await read()).Proposal).toMatchObject({ Status: 'IN_PROGRESS', YesVoteCount: 1, OutstandingVoteCount: 1 });
      second.advanceClock(4 * HOUR);
      expect((await read()).Proposal?.Status).toBe('EXPIRED');
    } finally {
      await second.stop();
    }
  });

  it('starts empty when the file does not exist yet and writes it on the first change', async () => {
    const stateFile = join(dir, 'new.json');
    const simulator = await startSimulator({ stateFile });
    try {
      const client = clientFor(simulator, account(1));
      expect((await client.send(new ListNetworksCommand({}))).Networks).toEqual([]);
      expect(existsSync(stateFile)).toBe(false);
      await Consortium.found(simulator, account(1));
      expect(existsSync(stateFile)).toBe(true);
    } finally {
      await simulator.stop();
    }
  });

  it('refuses a file that is not simulator state, saying which file and what to do', async () => {
    const stateFile = join(dir, 'broken.json');
    writeFileSync(stateFile, '{"networks": []}');
    await expect(startSimulator({ stateFile })).rejects.toThrow(/broken\.json: not a simulator state .*fix or delete it/);
    writeFileSync(stateFile, 'not json');
    await expect(startSimulator({ stateFile })).rejects.toThrow(/broken\.json: not valid JSON/);
  });
});
