import { Construct } from 'constructs';
import { CloudformationStack } from '@cdktf/provider-aws/lib/cloudformation-stack';
import type { Consortium, Member, Peer } from '../../lib/config';
import { LEDGER_OUTPUTS, SECRET_KEY_PARAMETER, ledgerTemplate, nodeLogicalId } from '../ledger-template';

/** Stack policy of every ledger stack: resources may change in place, never be replaced. */
export const LEDGER_STACK_POLICY = {
  Statement: [
    { Effect: 'Deny', Action: 'Update:Replace', Principal: '*', Resource: '*' },
    { Effect: 'Allow', Action: ['Update:Modify', 'Update:Delete'], Principal: '*', Resource: '*' },
  ],
} as const;

export interface MemberLedgerProps {
  readonly consortium: Consortium;
  /** The member whose AMB member, peers and admin secret this holds. */
  readonly member: Member;
  /** ARN of the member stack's KMS key, which encrypts the admin secret. */
  readonly keyArn: string;
}

/**
 * The member's ledger resources in one CloudFormation stack, which Terraform may update but
 * never destroy. An adopted member's own ids are recorded in its YAML; its stack exists only
 * once it declares something new (a peer, an Ethereum node).
 */
export class MemberLedger extends Construct {
  /** The CloudFormation stack resource; absent for an adopted member that adds nothing. */
  public readonly stack?: CloudformationStack;
  /** AMB member id (known after apply, or recorded for an adopted member). */
  public readonly memberId: string;
  /** AMB network id: for the founder, the network its member creates. */
  public readonly networkId: string;
  /** ARN of the Secrets Manager secret that holds the Fabric CA admin password. */
  public readonly adminSecretArn: string;

  constructor(scope: Construct, id: string, props: MemberLedgerProps) {
    super(scope, id);
    const { consortium, member } = props;
    const template = ledgerTemplate(consortium, member);
    // CloudFormation refuses a template without resources.
    const stack = Object.keys(template.Resources).length === 0 ? undefined : new CloudformationStack(this, 'stack', {
      name: `amb-${consortium.network.name}-${member.name}-ledger`,
      templateBody: JSON.stringify(template),
      // Only a member whose admin secret the stack creates has one to encrypt.
      parameters: template.Parameters?.[SECRET_KEY_PARAMETER] === undefined ? undefined : { [SECRET_KEY_PARAMETER]: props.keyArn },
      // Server-side guard beside the synth-time refusals: CloudFormation itself rejects any
      // update that would replace a ledger resource (a changed network setting, peer instance
      // type or AZ) and rolls it back. Removal needs no guard: Retain keeps the resource.
      policyBody: JSON.stringify(LEDGER_STACK_POLICY),
      // Creating a network takes about 30 minutes, a member or a peer about 10.
      timeouts: { create: '90m', update: '90m', delete: '60m' },
      lifecycle: { preventDestroy: true },
    });
    this.stack = stack;
    const output = (name: string) => stack!.outputs.lookup(name);
    this.memberId = member.adopted ? member.memberId! : output(LEDGER_OUTPUTS.memberId);
    this.networkId = member.adopted ? consortium.network.id! : output(LEDGER_OUTPUTS.networkId);
    this.adminSecretArn = member.adopted ? member.adminSecretArn! : output(LEDGER_OUTPUTS.adminSecretArn);
  }

  /** A peer's node id: recorded for an adopted peer, else the stack's `<logical id>Id` output. */
  peerNodeId(peer: Peer): string {
    if (peer.adopted) return peer.nodeId!;
    return this.stack!.outputs.lookup(`${nodeLogicalId('Peer', peer.name)}Id`);
  }
}
