/**
 * The member list that `npm run members` prints and the GitHub workflows fan out over:
 * one row per member, a selector per governance duty, and the names of the repository
 * variables that hold each member's pipeline roles.
 */
import type { Consortium, Member } from './config';
import { UsageError } from './errors';

/** One member as a pipeline sees it; `--json` prints an array of these (a job matrix). */
export interface MemberRow {
  readonly member: string;
  readonly account: string;
  readonly region: string;
  readonly joined: boolean;
  readonly founder: boolean;
  readonly removed: boolean;
  readonly peers: number;
  readonly stateBucket: string;
  readonly stateKey: string;
  /** Whether the in-stack voter votes for this member (otherwise `npm run vote` does). */
  readonly automatedVoting: boolean;
  /** Repository variable holding the role pull-request plans assume. */
  readonly planRoleVariable: string;
  /** Repository variable holding the role deploys assume. */
  readonly deployRoleVariable: string;
  /** Repository variable holding the role governance scripts assume. */
  readonly governanceRoleVariable: string;
}

/** Which members a workflow job runs for. */
export const MEMBER_SELECTIONS = {
  /** Every member: plans and deploys. */
  all: () => true,
  /** Members in the network and staying: sync. */
  active: (member: Member) => member.joined && !member.removed,
  /** Active members that vote from the pipeline because they run no in-stack voter. */
  'manual-voters': (member: Member) => member.joined && !member.removed && !member.voting.automated,
  /** Members that have not joined yet: they look for a pending invitation. */
  invitees: (member: Member) => !member.joined && !member.removed,
} as const satisfies Record<string, (member: Member) => boolean>;

export type Selection = keyof typeof MEMBER_SELECTIONS | 'proposer';
export const SELECTIONS: readonly Selection[] = [...(Object.keys(MEMBER_SELECTIONS) as (keyof typeof MEMBER_SELECTIONS)[]), 'proposer'];

/** GitHub variable names allow only letters, digits and underscores, so hyphens become underscores. */
export function variableSuffix(memberName: string): string {
  return memberName.toUpperCase().replaceAll('-', '_');
}

export function memberRow(member: Member): MemberRow {
  const suffix = variableSuffix(member.name);
  return {
    member: member.name,
    account: member.accountId,
    region: member.region,
    joined: member.joined,
    founder: member.isFounder,
    removed: member.removed,
    peers: member.peers.length,
    stateBucket: member.stateBackend.bucket,
    stateKey: member.stateBackend.key,
    automatedVoting: member.voting.automated,
    planRoleVariable: `AMB_PLAN_ROLE_${suffix}`,
    deployRoleVariable: `AMB_DEPLOY_ROLE_${suffix}`,
    governanceRoleVariable: `AMB_GOVERNANCE_ROLE_${suffix}`,
  };
}

/**
 * The one member whose credentials submit the consortium's proposals, so two pipelines never
 * race to propose the same thing: the founder while it stays, else the first active member.
 */
export function proposer(consortium: Consortium): Member | undefined {
  const founder = consortium.members.find((member) => member.isFounder && !member.removed);
  return founder ?? consortium.members.find(MEMBER_SELECTIONS.active);
}

export function selectMembers(consortium: Consortium, selection: Selection): readonly Member[] {
  if (selection === 'proposer') {
    const chosen = proposer(consortium);
    return chosen ? [chosen] : [];
  }
  return consortium.members.filter(MEMBER_SELECTIONS[selection]);
}

/**
 * Rows of the selected members. Two members whose names differ only in case would share
 * role variables (GitHub variable names are case-insensitive), so that is refused.
 */
export function memberRows(consortium: Consortium, selection: Selection = 'all'): MemberRow[] {
  const bySuffix = new Map<string, Member>();
  for (const member of consortium.members) {
    const other = bySuffix.get(variableSuffix(member.name));
    if (other) {
      throw new UsageError(`${member.file}: member "${member.name}" and ${other.file} ("${other.name}") differ only in case, so their pipeline role variables would collide; rename one of the files`);
    }
    bySuffix.set(variableSuffix(member.name), member);
  }
  return selectMembers(consortium, selection).map(memberRow);
}

const COLUMNS: readonly { readonly title: string; readonly value: (row: MemberRow) => string; readonly alignRight?: boolean }[] = [
  { title: 'MEMBER', value: (row) => row.member },
  { title: 'ACCOUNT', value: (row) => row.account },
  { title: 'REGION', value: (row) => row.region },
  { title: 'JOINED', value: (row) => yesNo(row.joined) },
  { title: 'FOUNDER', value: (row) => yesNo(row.founder) },
  { title: 'REMOVED', value: (row) => yesNo(row.removed) },
  { title: 'PEERS', value: (row) => String(row.peers), alignRight: true },
  { title: 'STATE', value: (row) => `s3://${row.stateBucket}/${row.stateKey}` },
];

/** Aligned columns, two spaces apart, no trailing blanks. */
export function formatMembersTable(rows: readonly MemberRow[]): string {
  const cells = [COLUMNS.map((column) => column.title), ...rows.map((row) => COLUMNS.map((column) => column.value(row)))];
  const widths = COLUMNS.map((_, index) => Math.max(...cells.map((line) => line[index].length)));
  return cells
    .map((line) =>
      line
        .map((cell, index) => (COLUMNS[index].alignRight ? cell.padStart(widths[index]) : cell.padEnd(widths[index])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** A single line, so `echo "matrix=$(...)" >> "$GITHUB_OUTPUT"` takes it as one value. */
export function formatMembersJson(rows: readonly MemberRow[]): string {
  return JSON.stringify(rows);
}

function yesNo(value: boolean): string {
  return value ? 'yes' : 'no';
}

export interface MembersOptions {
  readonly json: boolean;
  readonly selection: Selection;
  readonly help: boolean;
}

export const MEMBERS_USAGE = `usage: npm run members -- [--json] [--select ${SELECTIONS.join('|')}]

Lists the members of the consortium in CONSORTIUM_DIR (default members/).
  --json            one line of JSON: an array usable as a GitHub Actions matrix (include)
  --select NAME     only the members a pipeline job runs for (default all):
                      all            every member (plan, deploy)
                      active         joined and not removed (sync)
                      manual-voters  active members without the in-stack voter (vote)
                      invitees       not joined yet (accept-invitation)
                      proposer       the one member that submits proposals (propose)
  -h, --help        this text`;

export function parseMembersArgs(argv: readonly string[]): MembersOptions {
  let json = false;
  let help = false;
  let selection: Selection = 'all';
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (flag === '--json' && inline === undefined) json = true;
    else if ((flag === '--help' || flag === '-h') && inline === undefined) help = true;
    else if (flag === '--select') {
      const value = inline ?? argv[++index];
      if (value === undefined) throw new UsageError(`--select needs a value: ${SELECTIONS.join(', ')}\n\n${MEMBERS_USAGE}`);
      if (!(SELECTIONS as readonly string[]).includes(value)) throw new UsageError(`--select: "${value}" is not one of ${SELECTIONS.join(', ')}\n\n${MEMBERS_USAGE}`);
      selection = value as Selection;
    } else throw new UsageError(`unknown argument "${arg}"\n\n${MEMBERS_USAGE}`);
  }
  return { json, selection, help };
}

/** The one form in which messages tell a member to deploy its stack (as the README writes it). */
export function deployCommand(member: string): string {
  return `npx cdktf deploy ${member}`;
}
