/**
 * The adoption rehearsal's proof: no synthesized stack declares an adopted member or an
 * adopted peer as something to create, and every peer added since is a Node that names the
 * recorded member and network ids.
 */
import type { Consortium } from '../config';

/** The Terraform JSON of a member's stack, as far as this check reads it. */
export interface SynthesizedStack {
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
}

interface LedgerTemplate {
  readonly Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
}

/**
 * Problems found; empty when every adopted member's stack is clean.
 * @param peerLogicalId the CloudFormation logical id the stacks give a peer of that name
 */
export function adoptedResourcesDeclared(consortium: Consortium, stacks: Readonly<Record<string, SynthesizedStack>>, peerLogicalId: (name: string) => string): string[] {
  const problems: string[] = [];
  for (const member of consortium.members.filter((candidate) => candidate.adopted)) {
    const templates = Object.values(stacks[member.name]?.resource?.aws_cloudformation_stack ?? {}).map((stack) => JSON.parse(String(stack.template_body)) as LedgerTemplate);
    const resources = templates.flatMap((template) => Object.entries(template.Resources));
    for (const [logicalId, resource] of resources) {
      if (resource.Type === 'AWS::ManagedBlockchain::Member') problems.push(`${member.name}: the stack declares a Member (${logicalId}) although member ${member.memberId} is adopted`);
      const peer = member.peers.find((candidate) => peerLogicalId(candidate.name) === logicalId);
      if (resource.Type !== 'AWS::ManagedBlockchain::Node' || !peer) continue;
      if (peer?.adopted) problems.push(`${member.name}: the stack declares adopted peer ${peer.name} (node ${peer.nodeId}) as a new Node`);
      const { MemberId, NetworkId } = resource.Properties ?? {};
      if (MemberId !== member.memberId || NetworkId !== consortium.network.id) {
        problems.push(`${member.name}: new peer ${logicalId} names member ${JSON.stringify(MemberId)} and network ${JSON.stringify(NetworkId)}, not the recorded ${member.memberId} and ${consortium.network.id}`);
      }
    }
  }
  return problems;
}
