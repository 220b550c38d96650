/** SDK clients that act as given accounts against a simulator, and a consortium to test with. */
import {
  CreateMemberCommand,
  CreateNetworkCommand,
  CreateProposalCommand,
  ListInvitationsCommand,
  ManagedBlockchainClient,
  VoteOnProposalCommand,
  type ApprovalThresholdPolicy,
  type Edition,
  type ProposalActions,
} from '@aws-sdk/client-managedblockchain';
import type { RunningSimulator } from '../../../sim';

export const FABRIC_ADMIN = { AdminUsername: 'admin', AdminPassword: 'Sim1Password' };

/** A client whose access key id is the 12-digit account it acts as; retries off unless asked. */
export function clientFor(
  simulator: RunningSimulator,
  account: string,
  options: { region?: string; maxAttempts?: number } = {},
): ManagedBlockchainClient {
  return new ManagedBlockchainClient({
    endpoint: simulator.endpoint,
    region: options.region ?? 'us-east-1',
    credentials: { accessKeyId: account, secretAccessKey: 'simulated' },
    maxAttempts: options.maxAttempts ?? 1,
  });
}

export function memberConfiguration(name: string) {
  return { Name: name, FrameworkConfiguration: { Fabric: FABRIC_ADMIN } };
}

export interface NetworkOptions {
  readonly edition?: Edition;
  readonly policy?: ApprovalThresholdPolicy;
  readonly name?: string;
  readonly founderName?: string;
}

export const MAJORITY: ApprovalThresholdPolicy = {
  ThresholdPercentage: 50,
  ProposalDurationInHours: 24,
  ThresholdComparator: 'GREATER_THAN',
};

export function createNetworkInput(options: NetworkOptions = {}) {
  return {
    Name: options.name ?? 'filmmakers',
    Framework: 'HYPERLEDGER_FABRIC' as const,
    FrameworkVersion: '2.2',
    FrameworkConfiguration: { Fabric: { Edition: options.edition ?? 'STANDARD' } },
    VotingPolicy: { ApprovalThresholdPolicy: options.policy ?? MAJORITY },
    MemberConfiguration: memberConfiguration(options.founderName ?? 'filmmaker'),
  };
}

export interface Seat {
  readonly name: string;
  readonly account: string;
  readonly client: ManagedBlockchainClient;
  readonly memberId: string;
}

/**
 * A network whose members each sit in their own account. `join` runs the whole AMB path:
 * a proposal, YES votes from every current member, the invitee's ListInvitations and CreateMember.
 */
export class Consortium {
  private constructor(
    readonly simulator: RunningSimulator,
    readonly networkId: string,
    readonly seats: Seat[],
  ) {}

  static async found(simulator: RunningSimulator, account: string, options: NetworkOptions = {}): Promise<Consortium> {
    const client = clientFor(simulator, account);
    const created = await client.send(new CreateNetworkCommand(createNetworkInput(options)));
    const founder = { name: options.founderName ?? 'filmmaker', account, client, memberId: created.MemberId! };
    return new Consortium(simulator, created.NetworkId!, [founder]);
  }

  get founder(): Seat {
    return this.seats[0];
  }

  seat(name: string): Seat {
    const seat = this.seats.find((candidate) => candidate.name === name);
    if (!seat) throw new Error(`no member named ${name}`);
    return seat;
  }

  async propose(proposer: Seat, actions: ProposalActions): Promise<string> {
    const created = await proposer.client.send(
      new CreateProposalCommand({ NetworkId: this.networkId, MemberId: proposer.memberId, Actions: actions }),
    );
    return created.ProposalId!;
  }

  async vote(voter: Seat, proposalId: string, vote: 'YES' | 'NO'): Promise<void> {
    await voter.client.send(
      new VoteOnProposalCommand({ NetworkId: this.networkId, ProposalId: proposalId, VoterMemberId: voter.memberId, Vote: vote }),
    );
  }

  async join(account: string, name: string): Promise<Seat> {
    const proposalId = await this.propose(this.founder, { Invitations: [{ Principal: account }] });
    for (const voter of this.seats) await this.vote(voter, proposalId, 'YES').catch(ignoreClosedProposal);
    const client = clientFor(this.simulator, account);
    const { Invitations } = await client.send(new ListInvitationsCommand({}));
    const invitation = Invitations!.find(
      (candidate) => candidate.NetworkSummary?.Id === this.networkId && candidate.Status === 'PENDING',
    );
    if (!invitation) throw new Error(`no pending invitation for ${account}`);
    const created = await client.send(
      new CreateMemberCommand({
        NetworkId: this.networkId,
        InvitationId: invitation.InvitationId,
        MemberConfiguration: memberConfiguration(name),
      }),
    );
    const seat = { name, account, client, memberId: created.MemberId! };
    this.seats.push(seat);
    return seat;
  }
}

/** Once the YES votes decide a proposal, later voters get IllegalAction; joining does not care. */
function ignoreClosedProposal(error: { name?: string }): void {
  if (error.name !== 'IllegalActionException') throw error;
}

export function account(index: number): string {
  return String(100000000000 + index);
}
