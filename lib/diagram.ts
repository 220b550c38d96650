/**
 * The consortium as a Mermaid flowchart (docs/consortium.md): the network, one subgraph per
 * member's AWS account with its peers, VPC endpoint and Fabric client, and the channels.
 * Pure and deterministic: the same config (and live statuses) always gives the same text.
 */
import { FABRIC_PORT_RANGE } from './amb';
import type { Consortium, Member, Peer } from './config';

/** A member or node as the network reports it. */
export interface LiveResource {
  readonly id: string;
  readonly status: string;
}

/** A node the network reports that no configured peer accounts for. */
export interface LiveExtraNode extends LiveResource {
  readonly instanceType: string;
  readonly availabilityZone: string;
}

export interface LiveMember extends LiveResource {
  /** Peer name -> the node that runs it; a peer without an entry has no node. */
  readonly peers: Readonly<Record<string, LiveResource>>;
  readonly extraNodes: readonly LiveExtraNode[];
  /** False when these credentials may not list the member's nodes (another account's). */
  readonly nodesVisible: boolean;
}

/** Statuses read from the network (`npm run diagram -- --live`). */
export interface LiveStatus {
  readonly networkStatus: string;
  /** Configured member name -> the member of that name in the network; absent if none. */
  readonly members: Readonly<Record<string, LiveMember>>;
  /** Members of the network that no file in the config describes. */
  readonly unknownMembers: readonly (LiveResource & { readonly name: string })[];
}

type StyleClass = 'founder' | 'pending' | 'removed' | 'failed' | 'changing' | 'gone' | 'unknown';

const CLASS_DEFS: Readonly<Record<StyleClass, string>> = {
  founder: 'stroke:#1f6feb,stroke-width:3px',
  pending: 'fill:#fff8e1,stroke:#b08800,stroke-dasharray:6 4',
  removed: 'fill:#eeeeee,stroke:#8c959f,color:#6e7781,stroke-dasharray:2 4',
  failed: 'fill:#ffebe9,stroke:#cf222e,stroke-width:2px',
  changing: 'fill:#ddf4ff,stroke:#0969da,stroke-dasharray:4 2',
  gone: 'fill:#f6f8fa,stroke:#8c959f,color:#8c959f',
  unknown: 'fill:#fbefff,stroke:#8250df,stroke-dasharray:2 2',
};

const LEGEND: Readonly<Record<StyleClass, string>> = {
  founder: 'thick blue border: the founder, which created the network',
  pending: 'dashed amber: invited or to be invited, not joined yet (the stack holds the network layer only)',
  removed: 'grey dotted: asked to leave (`removed: true`)',
  failed: 'red: the network reports a failed, unhealthy or inaccessible member or node',
  changing: 'dashed blue: being created, updated or deleted',
  gone: 'light grey: deleted in the network',
  unknown: 'dotted purple: in the network but not in the config, or not visible to these credentials',
};

const FAILED_STATUSES = new Set(['CREATE_FAILED', 'FAILED', 'UNHEALTHY', 'INACCESSIBLE_ENCRYPTION_KEY']);
const CHANGING_STATUSES = new Set(['CREATING', 'UPDATING', 'DELETING']);

/** The style a live status calls for, if any. */
export function statusClass(status: string): StyleClass | undefined {
  if (FAILED_STATUSES.has(status)) return 'failed';
  if (CHANGING_STATUSES.has(status)) return 'changing';
  if (status === 'DELETED') return 'gone';
  return undefined;
}

/**
 * Mermaid ids: letters, digits and underscores, prefixed by their kind so none is a keyword
 * (`end`) or starts with the `o`/`x` that would turn an edge into a circle or cross.
 */
class MermaidIds {
  private readonly taken = new Map<string, string>();
  private readonly used = new Set<string>();

  of(kind: string, ...parts: string[]): string {
    const key = JSON.stringify([kind, ...parts]);
    const known = this.taken.get(key);
    if (known) return known;
    const base = [kind, ...parts].join('_').replace(/[^A-Za-z0-9_]/g, '_');
    let id = base;
    for (let suffix = 2; this.used.has(id); suffix++) id = `${base}_${suffix}`;
    this.taken.set(key, id);
    this.used.add(id);
    return id;
  }
}

/** Text inside a quoted Mermaid label: entity codes for what Mermaid or HTML would interpret. */
export function labelText(value: string): string {
  return value.replace(/[#"<>&]/g, (char) => `#${char.charCodeAt(0)};`);
}

const bold = (value: string) => `<b>${labelText(value)}</b>`;
const lines = (...parts: (string | undefined)[]) => parts.filter((part) => part !== undefined && part !== '').join('<br/>');

function votingText(consortium: Consortium): string {
  const { thresholdPercentage, thresholdComparator, proposalDurationInHours } = consortium.network.voting;
  const comparison = thresholdComparator === 'GREATER_THAN' ? 'more than' : 'at least';
  return `proposals pass with ${comparison} ${thresholdPercentage}% of all members within ${proposalDurationInHours} h`;
}

function memberState(member: Member): string {
  if (member.removed) return 'removal requested';
  if (member.isFounder) return 'founder';
  if (member.adopted) return 'joined before adoption';
  if (member.invitationId) return `joined with ${labelText(member.invitationId)}`;
  return 'not joined: awaiting an invitation';
}

function byName<T extends { readonly name: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Style assignments, written last: classes for nodes, and `style` lines for subgraphs,
 * which Mermaid styles reliably only that way.
 */
class Styles {
  private readonly nodes = new Map<StyleClass, string[]>();
  private readonly subgraphs: [string, StyleClass][] = [];

  node(style: StyleClass | undefined, ...ids: string[]): void {
    if (style) this.nodes.set(style, [...(this.nodes.get(style) ?? []), ...ids]);
  }

  subgraph(style: StyleClass, id: string): void {
    this.subgraphs.push([id, style]);
  }

  render(): string[] {
    const used = (Object.keys(CLASS_DEFS) as StyleClass[]).filter((style) => this.nodes.has(style));
    return [
      ...used.map((style) => `  classDef ${style} ${CLASS_DEFS[style]}`),
      ...used.map((style) => `  class ${this.nodes.get(style)!.join(',')} ${style}`),
      ...this.subgraphs.map(([id, style]) => `  style ${id} ${CLASS_DEFS[style]}`),
    ];
  }
}

/** The Mermaid `flowchart` source of the consortium, annotated with live statuses if given. */
export function renderFlowchart(consortium: Consortium, live?: LiveStatus): string {
  const ids = new MermaidIds();
  const out: string[] = ['flowchart TB'];
  const styles = new Styles();
  const network = ids.of('network');
  const { name, id, edition, frameworkVersion, region } = consortium.network;

  out.push(
    `  ${network}{{"${lines(
      bold(name),
      id ? labelText(id) : 'not created yet',
      `${edition} edition · Fabric ${frameworkVersion} · ${region}`,
      votingText(consortium),
      live && `status: ${labelText(live.networkStatus)}`,
    )}"}}`,
  );
  styles.node(live && statusClass(live.networkStatus), network);

  const memberIds = new Map<string, string>();
  for (const member of byName(consortium.members)) {
    memberIds.set(member.name, renderMember(member, network, ids, out, styles, live?.members[member.name], live !== undefined));
  }

  if (live && live.unknownMembers.length > 0) {
    const group = ids.of('unconfigured');
    out.push(`  subgraph ${group}["in the network, not in the config"]`);
    for (const stranger of byName(live.unknownMembers)) {
      const node = ids.of('stranger', stranger.id);
      out.push(`    ${node}["${lines(bold(stranger.name), labelText(stranger.id), `status: ${labelText(stranger.status)}`)}"]`);
      styles.node('unknown', node);
    }
    out.push('  end');
    for (const stranger of byName(live.unknownMembers)) out.push(`  ${network} -.- ${ids.of('stranger', stranger.id)}`);
  }

  for (const channel of byName(consortium.channels)) {
    const node = ids.of('channel', channel.name);
    out.push(`  ${node}(["${lines('channel', bold(channel.name))}"])`);
    for (const member of [...channel.members].sort()) out.push(`  ${node} -.- ${memberIds.get(member)}`);
  }

  out.push(...styles.render());
  return out.join('\n');
}

/** Writes one member's account subgraph and its links; returns the member node's id. */
function renderMember(
  member: Member,
  network: string,
  ids: MermaidIds,
  out: string[],
  styles: Styles,
  live: LiveMember | undefined,
  isLive: boolean,
): string {
  const account = ids.of('account', member.accountId);
  const node = ids.of('member', member.name);
  const endpoint = ids.of('endpoint', member.name);
  const client = ids.of('client', member.name);
  const memberId = live?.id ?? member.memberId;
  const liveLine = isLive ? (live ? `status: ${labelText(live.status)}` : 'not in the network') : undefined;

  out.push(`  subgraph ${account}["${labelText(member.name)} · AWS account ${labelText(member.accountId)}"]`);
  out.push('    direction TB');
  out.push(`    ${node}["${lines(bold(member.name), memberState(member), memberId && `member ${labelText(memberId)}`, liveLine)}"]`);

  const peerIds = byName(member.peers).map((peer) => {
    const peerNode = ids.of('peer', member.name, peer.name);
    out.push(`    ${peerNode}[("${peerLabel(peer, live, isLive)}")]`);
    if (live && !live.nodesVisible) styles.node('unknown', peerNode);
    else if (live?.peers[peer.name]) styles.node(statusClass(live.peers[peer.name].status), peerNode);
    return peerNode;
  });
  const extraIds = [...(live?.extraNodes ?? [])]
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .map((extra) => {
      const extraNode = ids.of('node', member.name, extra.id);
      out.push(
        `    ${extraNode}[("${lines(bold(extra.id), 'not in the config', `${labelText(extra.instanceType)} · ${labelText(extra.availabilityZone)}`, `status: ${labelText(extra.status)}`)}")]`,
      );
      styles.node('unknown', extraNode);
      return extraNode;
    });
  out.push(`    ${endpoint}[/"${lines('VPC endpoint', `private DNS · ports ${FABRIC_PORT_RANGE.from}-${FABRIC_PORT_RANGE.to}`)}"/]`);
  out.push(
    `    ${client}["${lines(
      'Fabric client',
      `${labelText(member.client.instanceType)} · ${member.client.subnet} subnet`,
      member.client.sshCidrs.length > 0 ? `SSH from ${member.client.sshCidrs.map(labelText).join(', ')}` : 'Session Manager only',
    )}"]`,
  );
  for (const peerNode of [...peerIds, ...extraIds]) out.push(`    ${node} --- ${peerNode}`);
  out.push(`    ${client} --> ${endpoint}`);
  out.push('  end');

  const inNetwork = member.joined && !member.removed;
  out.push(inNetwork ? `  ${network} === ${node}` : `  ${network} -.- ${node}`);
  out.push(`  ${endpoint} --> ${network}`);

  if (member.isFounder) styles.node('founder', node);
  const membership: StyleClass | undefined = member.removed ? 'removed' : member.joined ? undefined : 'pending';
  if (membership) {
    styles.node(membership, node);
    styles.subgraph(membership, account);
  }
  if (live) styles.node(statusClass(live.status), node);
  return node;
}

function peerLabel(peer: Peer, live: LiveMember | undefined, isLive: boolean): string {
  let status: string | undefined;
  if (isLive) {
    const node = live?.peers[peer.name];
    if (!live) status = 'no member in the network';
    else if (!live.nodesVisible) status = 'status not visible to these credentials';
    else status = node ? `${labelText(node.id)} · ${labelText(node.status)}` : 'no node in the network';
  }
  return lines(bold(peer.name), `${labelText(peer.instanceType)} · ${labelText(peer.availabilityZone)}`, status);
}

/** The whole docs/consortium.md: heading, how it was made, the flowchart and its legend. */
export function renderDiagramDocument(consortium: Consortium, live?: LiveStatus): string {
  const flowchart = renderFlowchart(consortium, live);
  const used = (Object.keys(LEGEND) as StyleClass[]).filter((style) => flowchart.includes(`classDef ${style} `));
  const source = live
    ? 'Generated by `npm run diagram -- --live` from the consortium config, with statuses read from the network (GetNetwork, ListMembers, ListNodes).'
    : 'Generated by `npm run diagram` from the consortium config; run it again after changing the config. Statuses come from the config only; `npm run diagram -- --live` reads them from the network.';
  return [
    `# Consortium ${consortium.network.name}`,
    '',
    source,
    '',
    'Each box is one member in its own AWS account: its AMB member, peer nodes, the VPC endpoint',
    'into the network and its Fabric client. Thick links join members to the network; dotted ones',
    'show members not (or no longer) in it, and which members share each channel.',
    '',
    '```mermaid',
    flowchart,
    '```',
    ...(used.length > 0 ? ['', 'Styles:', '', ...used.map((style) => `- ${LEGEND[style]}`)] : []),
    '',
  ].join('\n');
}
