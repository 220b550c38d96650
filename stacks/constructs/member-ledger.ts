import { Construct } from 'constructs';
import { CloudformationStack } from '@cdktf/provider-aws/lib/cloudformation-stack';
import type { Consortium, Member } from '../../lib/config';
import { LEDGER_OUTPUTS, ledgerTemplate } from '../ledger-template';

export interface MemberLedgerProps {
  readonly consortium: Consortium;
  /** The member whose AMB member, peers and admin secret this holds. */
  readonly member: Member;
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
      // Creating a network takes about 30 minutes, a member or a peer about 10.
      timeouts: { create: '90m', update: '90m', delete: '60m' },
      lifecycle: { preventDestroy: true },
    });
    this.memberId = this.stack.outputs.lookup(LEDGER_OUTPUTS.memberId);
    this.networkId = this.stack.outputs.lookup(LEDGER_OUTPUTS.networkId);
    this.adminSecretArn = this.stack.outputs.lookup(LEDGER_OUTPUTS.adminSecretArn);
  }
}
