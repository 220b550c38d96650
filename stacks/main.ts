/**
 * The cdktf app: one Terraform stack per member of the consortium in CONSORTIUM_DIR
 * (default members/), written to cdktf.out/stacks/<member>/cdk.tf.json.
 */
import { App } from 'cdktf';
import { runMain } from '../lib/cli';
import { loadConsortium, type Consortium } from '../lib/config';
import { UsageError } from '../lib/errors';
import { MemberStack, type StackRole } from './member-stack';

export function synthesize(consortium: Consortium, outdir?: string, role: StackRole = 'deploy'): App {
  const app = new App(outdir === undefined ? {} : { outdir });
  for (const member of consortium.members) new MemberStack(app, { consortium, member, role });
  app.synth();
  return app;
}

/** AMB_ROLE=plan synthesizes stacks that assume each member's read-only plan role. */
export function stackRoleOf(env: NodeJS.ProcessEnv): StackRole {
  const value = env.AMB_ROLE ?? 'deploy';
  if (value !== 'deploy' && value !== 'plan') throw new UsageError(`AMB_ROLE=${value} is not a stack role (allowed: deploy, plan)`);
  return value;
}

export function planRoleNotice(consortium: Consortium, role: StackRole): string[] {
  if (role !== 'plan') return [];
  return consortium.members
    .filter((member) => member.planRoleArn === undefined)
    .map((member) => `${member.name}: no planRoleArn, so its plan assumes the deploy role; give it a read-only planRoleArn`);
}

export function networkLayerOnlyNotice(consortium: Consortium): string[] {
  return consortium.members
    .filter((member) => !member.joined)
    .map(
      (member) =>
        `${member.name}: no invitationId yet, so its stack holds the network layer${member.ethereumNodes.length > 0 ? ' and its Ethereum nodes' : ''} only (run npm run accept-invitation -- --member ${member.name} once invited)`,
    );
}

/** Joined members whose Fabric client would boot without Fabric tools, since nothing is pinned. */
export function unpinnedArchivesNotice(consortium: Consortium): string[] {
  return consortium.members
    .filter((member) => member.joined && member.client.archives === undefined)
    .map((member) => `${member.name}: no client.archives pinned, so its Fabric client installs no Fabric tool (README: Pinning the Fabric archives)`);
}

/** `npm run synth`: validate the consortium in CONSORTIUM_DIR and write every member's stack. */
export function main(): Promise<void> {
  return runMain(() => {
    const role = stackRoleOf(process.env);
    const consortium = loadConsortium();
    for (const line of [...networkLayerOnlyNotice(consortium), ...unpinnedArchivesNotice(consortium), ...planRoleNotice(consortium, role)]) process.stderr.write(`${line}\n`);
    synthesize(consortium, undefined, role);
  });
}

if (require.main === module) void main();
