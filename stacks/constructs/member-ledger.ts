import { Construct } from 'constructs';
import { CloudformationStack } from '@cdktf/provider-aws/lib/cloudformation-stack';
import type { Consortium, Member } from '../../lib/config';
import { LEDGER_OUTPUTS, SECRET_KEY_PARAMETER, ledgerTemplate } from '../ledger-template';

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
 * never destroy.
 */
export class MemberLedger extends Construct {
  /** The CloudFormation stack resource. */
  public readonly stack: CloudformationStack;
  /** AMB member id (known after apply). */
  public readonly memberId: string;
  /** AMB network id: for the founder, the network its member creates. */
  public readonly networkId: string;
  /** ARN of the Secrets Manager secret that holds the Fabric CA admin password. */
  public readonly adminSecretArn: string;

  constructor(scope: Construct, id: string, props: MemberLedgerProps) {
    super(scope, id);
    const { consortium, member } = props;
    this.stack = new CloudformationStack(this, 'stack', {
      name: `amb-${consortium.network.name}-${member.name}-ledger`,
      templateBody: JSON.stringify(ledgerTemplate(consortium, member)),
      // Only a Fabric member has an admin secret to encrypt.
      parameters: member.joined ? { [SECRET_KEY_PARAMETER]: props.keyArn } : undefined,
      // Server-side guard beside the synth-time refusals: CloudFormation itself rejects any
      // update that would replace a ledger resource (a changed network setting, peer instance
      // type or AZ) and rolls it back. Removal needs no guard: Retain keeps the resource.
      policyBody: JSON.stringify(LEDGER_STACK_POLICY),
      // Creating a network takes about 30 minutes, a member or a peer about 10.
      timeouts: { create: '90m', update: '90m', delete: '60m' },
      lifecycle: { preventDestroy: true },
    });
    this.memberId = this.stack.outputs.lookup(LEDGER_OUTPUTS.memberId);
    this.networkId = this.stack.outputs.lookup(LEDGER_OUTPUTS.networkId);
    this.adminSecretArn = this.stack.outputs.lookup(LEDGER_OUTPUTS.adminSecretArn);
  }
}
