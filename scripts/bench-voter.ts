/**
 * `npm run bench:voter`: the in-stack voter's deployment package size, and the time the
 * handler takes per proposal event (read, decide, vote) against the local simulator on
 * loopback. Prints figures; asserts nothing.
 */
import { gzipSync } from 'node:zlib';
import { plainScriptArgs, runMain } from '../lib/cli';
import { loadConsortium } from '../lib/config';
import { startSimulator } from '../sim';
import { twoMemberNetwork } from '../sim/scenarios';
import { voterBundle, voterSettings } from '../stacks/voter/bundle';
import { voteOnOpenProposals } from '../stacks/voter/handler';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 200);

const USAGE = `usage: npm run bench:voter
The voter's deployment package size and the handler's time per proposal event against the local
simulator (BENCH_EVENTS events, default 200; CONSORTIUM_DIR as for every command). Prints figures.`;

void runMain(async () => {
  if (plainScriptArgs(USAGE) === undefined) return;
  const consortium = loadConsortium();
  const started = process.hrtime.bigint();
  const bundle = voterBundle();
  const bundleMs = Number(process.hrtime.bigint() - started) / 1e6;
  process.stdout.write(
    `voter bundle: ${(Buffer.byteLength(bundle) / 1024).toFixed(0)} KB minified (${(gzipSync(bundle).length / 1024).toFixed(0)} KB gzipped; target <= 600 KB), built in ${bundleMs.toFixed(0)} ms\n`,
  );

  const sim = await startSimulator();
  try {
    const net = await twoMemberNetwork(sim, consortium);
    const settings = voterSettings(consortium, 'filmmaker');
    const runtime = { client: net.founder, networkId: net.networkId, memberId: net.founderId };
    const timings: number[] = [];
    for (let index = 0; index < EVENTS; index += 1) {
      // Alternate a wanted and an unwanted invitation: YES and NO decisions both measured.
      const proposalId = await net.propose(index % 2 === 0 ? '444455556666' : '999988887777');
      const before = sim.requestCount();
      const start = process.hrtime.bigint();
      const [outcome] = await voteOnOpenProposals(settings, runtime, {
        source: 'aws.managedblockchain',
        detail: { networkId: net.networkId, proposalId, status: 'IN_PROGRESS' },
      });
      timings.push(Number(process.hrtime.bigint() - start) / 1e6);
      if (outcome.result !== 'voted') throw new Error(`expected a vote on ${proposalId}, got ${outcome.result}`);
      if (index === 0) process.stdout.write(`API calls per event: ${sim.requestCount() - before} (GetProposal, ListProposalVotes, VoteOnProposal)\n`);
    }
    timings.sort((a, b) => a - b);
    const at = (q: number) => timings[Math.min(timings.length - 1, Math.floor(q * timings.length))].toFixed(1);
    process.stdout.write(`handler per event over ${EVENTS} events: median ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${at(1)} ms (target <= 50 ms)\n`);
  } finally {
    await sim.stop();
  }
});
