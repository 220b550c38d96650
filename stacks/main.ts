/**
 * The cdktf app: one Terraform stack per member of the consortium in CONSORTIUM_DIR
 * (default members/), written to cdktf.out/stacks/<member>/cdk.tf.json.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'cdktf';
import { plainScriptArgs, runMain } from '../lib/cli';
import { loadConsortium, type Consortium } from '../lib/config';
import { UsageError } from '../lib/errors';
import { MemberStack, type StackRole } from './member-stack';
import { deferTokenStackTraces } from './token-stack-traces';

export function synthesize(consortium: Consortium, outdir?: string, role: StackRole = 'deploy'): App {
  deferTokenStackTraces();
  const app = new App(outdir === undefined ? {} : { outdir });
  for (const member of consortium.members) new MemberStack(app, { consortium, member, role });
  app.synth();
  return app;
}

/**
 * Removes `<outdir>/stacks/<name>` folders of stacks this consortium no longer has (a member
 * that left, or another CONSORTIUM_DIR's members), which would otherwise invite a
 * `terraform apply` of the wrong stack. Their state lives in S3, not in the folder.
 * @returns the names removed
 */
export function removeStaleStacks(outdir: string, consortium: Consortium): string[] {
  const stacksDir = join(outdir, 'stacks');
  if (!existsSync(stacksDir)) return [];
  const current = new Set(consortium.members.map((member) => member.name));
  const stale = readdirSync(stacksDir).filter((name) => !current.has(name));
  for (const name of stale) rmSync(join(stacksDir, name), { recursive: true, force: true });
  return stale;
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

/**
 * Notices are not errors. `npx cdktf synth` runs this app and shows whatever it writes on
 * stderr as an error (and on stdout as plain output), so under cdktf (CDKTF_OUTDIR set)
 * they go to stdout; `npm run synth` keeps stdout for nothing and writes them to stderr.
 */
export function writeNotices(notices: readonly string[], env: NodeJS.ProcessEnv, io: { stdout: (text: string) => void; stderr: (text: string) => void } = { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) }): void {
  const write = env.CDKTF_OUTDIR !== undefined && env.CDKTF_CONTEXT_JSON !== undefined ? io.stdout : io.stderr;
  for (const line of notices) write(`notice: ${line}\n`);
}

/** Joined members whose Fabric client would boot without Fabric tools, since nothing is pinned. */
export function unpinnedArchivesNotice(consortium: Consortium): string[] {
  return consortium.members
    .filter((member) => member.joined && member.client.archives === undefined)
    .map((member) => `${member.name}: no client.archives pinned, so its Fabric client installs no Fabric tool (README: Pinning the Fabric archives)`);
}

const SYNTH_USAGE = `usage: npm run synth
Validates the consortium in CONSORTIUM_DIR (default members/) and writes one Terraform stack per
member to cdktf.out/stacks/<member>/cdk.tf.json (CDKTF_OUTDIR: another output folder), removing
the stacks of names that are no longer members. Nothing is written when the config is invalid
(exit 2). AMB_ROLE=plan writes stacks for read-only pull-request plans (allowed: deploy, plan).`;

/** `npm run synth`: validate the consortium in CONSORTIUM_DIR and write every member's stack. */
export function main(): Promise<void> {
  return runMain(() => {
    if (plainScriptArgs(SYNTH_USAGE) === undefined) return;
    const role = stackRoleOf(process.env);
    const consortium = loadConsortium();
    const notices = [...networkLayerOnlyNotice(consortium), ...unpinnedArchivesNotice(consortium), ...planRoleNotice(consortium, role)];
    const app = synthesize(consortium, undefined, role);
    for (const name of removeStaleStacks(app.outdir, consortium)) notices.push(`removed ${join(app.outdir, 'stacks', name)}: ${name} is not a member of the consortium in ${consortium.dir}`);
    writeNotices(notices, process.env);
  });
}

if (require.main === module) void main();
