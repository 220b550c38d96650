/**
 * The cdktf app: one Terraform stack per member of the consortium in CONSORTIUM_DIR
 * (default members/), written to cdktf.out/stacks/<member>/cdk.tf.json.
 */
import { App } from 'cdktf';
import { runMain } from '../lib/cli';
import { loadConsortium, type Consortium } from '../lib/config';
import { MemberStack } from './member-stack';

export function synthesize(consortium: Consortium, outdir?: string): App {
  const app = new App(outdir === undefined ? {} : { outdir });
  for (const member of consortium.members) new MemberStack(app, { consortium, member });
  app.synth();
  return app;
}

export function networkLayerOnlyNotice(consortium: Consortium): string[] {
  return consortium.members
    .filter((member) => !member.joined)
    .map((member) => `${member.name}: no invitationId yet, so its stack holds the network layer only (run npm run accept-invitation -- --member ${member.name} once invited)`);
}

/** `npm run synth`: validate the consortium in CONSORTIUM_DIR and write every member's stack. */
export function main(): Promise<void> {
  return runMain(() => {
    const consortium = loadConsortium();
    for (const line of networkLayerOnlyNotice(consortium)) process.stderr.write(`${line}\n`);
    synthesize(consortium);
  });
}

if (require.main === module) void main();
