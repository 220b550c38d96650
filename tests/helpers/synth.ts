import { Testing } from 'cdktf';
import type { Consortium } from '../../lib/config';
import { MemberStack } from '../../stacks/member-stack';
import { deferTokenStackTraces } from '../../stacks/token-stack-traces';

/** The Terraform JSON of one synthesized stack. */
export type TerraformJson = {
  terraform: { backend: { s3: Record<string, unknown> } };
  provider: { aws: Record<string, any>[] };
  resource: Record<string, Record<string, Record<string, any>>>;
  data?: Record<string, Record<string, Record<string, any>>>;
  output?: Record<string, { value: string; sensitive?: boolean }>;
};

/**
 * Synthesizes every member's stack in memory: member name -> Terraform JSON. Tokens record
 * where they were made lazily, as `npm run synth` does (stacks/main.ts): eager traces cost a
 * quarter of a synth here, where jest maps every frame of every trace through source maps.
 */
export function synthAll(consortium: Consortium): Record<string, TerraformJson> {
  deferTokenStackTraces();
  const app = Testing.app();
  return Object.fromEntries(
    consortium.members.map((member) => {
      const stack = new MemberStack(app, { consortium, member });
      return [member.name, JSON.parse(Testing.synth(stack)) as TerraformJson];
    }),
  );
}

/** All resources of one type in a stack. */
export function resources(stack: TerraformJson, type: string): Record<string, any>[] {
  return Object.values(stack.resource[type] ?? {});
}

/** The single resource of a type; fails the test when there are none or several. */
export function single(stack: TerraformJson, type: string): Record<string, any> {
  const found = resources(stack, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0];
}

/** The CloudFormation template embedded in the member's ledger stack. */
export function ledgerTemplateOf(stack: TerraformJson): { Resources: Record<string, any>; Outputs: Record<string, any> } {
  return JSON.parse(single(stack, 'aws_cloudformation_stack').template_body);
}

/** The one `aws_iam_policy_document` data source whose id starts with `idPrefix`, e.g. `voter_permissions`. */
export function policyDocument(stack: TerraformJson, idPrefix: string): { statement: Record<string, any>[] } {
  const found = Object.entries(stack.data?.aws_iam_policy_document ?? {}).filter(([id]) => id.startsWith(`${idPrefix}_`));
  if (found.length !== 1) throw new Error(`expected one aws_iam_policy_document ${idPrefix}, found ${found.length}`);
  return found[0][1] as { statement: Record<string, any>[] };
}
