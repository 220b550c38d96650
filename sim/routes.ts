/**
 * The REST bindings of the service model: which method and path is which operation, which
 * query parameters it reads, and how path labels, query and JSON body combine into the
 * operation's input (named as the model names the members: NetworkId, MaxResults, ...).
 */
import { invalidRequest } from './errors';
import type { RawInput } from './input';
import type { OperationName } from './operations';

interface RouteSpec {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /**
   * `{label}` binds one path segment, `{label+}` the rest of the path: clients percent-encode
   * the slash in a resource ARN, but one that does not still reaches the right operation.
   */
  readonly path: string;
  readonly operation: OperationName;
  readonly query?: readonly string[];
}

const PAGING = ['maxResults', 'nextToken'] as const;

const ROUTE_SPECS: readonly RouteSpec[] = [
  { method: 'POST', path: '/networks', operation: 'CreateNetwork' },
  { method: 'GET', path: '/networks', operation: 'ListNetworks', query: ['name', 'framework', 'status', ...PAGING] },
  { method: 'GET', path: '/networks/{networkId}', operation: 'GetNetwork' },
  { method: 'POST', path: '/networks/{networkId}/members', operation: 'CreateMember' },
  {
    method: 'GET',
    path: '/networks/{networkId}/members',
    operation: 'ListMembers',
    query: ['name', 'status', 'isOwned', ...PAGING],
  },
  { method: 'GET', path: '/networks/{networkId}/members/{memberId}', operation: 'GetMember' },
  { method: 'PATCH', path: '/networks/{networkId}/members/{memberId}', operation: 'UpdateMember' },
  { method: 'DELETE', path: '/networks/{networkId}/members/{memberId}', operation: 'DeleteMember' },
  { method: 'POST', path: '/networks/{networkId}/nodes', operation: 'CreateNode' },
  { method: 'GET', path: '/networks/{networkId}/nodes', operation: 'ListNodes', query: ['memberId', 'status', ...PAGING] },
  { method: 'GET', path: '/networks/{networkId}/nodes/{nodeId}', operation: 'GetNode', query: ['memberId'] },
  { method: 'PATCH', path: '/networks/{networkId}/nodes/{nodeId}', operation: 'UpdateNode' },
  { method: 'DELETE', path: '/networks/{networkId}/nodes/{nodeId}', operation: 'DeleteNode', query: ['memberId'] },
  { method: 'POST', path: '/networks/{networkId}/proposals', operation: 'CreateProposal' },
  { method: 'GET', path: '/networks/{networkId}/proposals', operation: 'ListProposals', query: PAGING },
  { method: 'GET', path: '/networks/{networkId}/proposals/{proposalId}', operation: 'GetProposal' },
  { method: 'POST', path: '/networks/{networkId}/proposals/{proposalId}/votes', operation: 'VoteOnProposal' },
  {
    method: 'GET',
    path: '/networks/{networkId}/proposals/{proposalId}/votes',
    operation: 'ListProposalVotes',
    query: PAGING,
  },
  { method: 'GET', path: '/invitations', operation: 'ListInvitations', query: PAGING },
  { method: 'DELETE', path: '/invitations/{invitationId}', operation: 'RejectInvitation' },
  { method: 'POST', path: '/tags/{resourceArn+}', operation: 'TagResource' },
  { method: 'DELETE', path: '/tags/{resourceArn+}', operation: 'UntagResource', query: ['tagKeys'] },
  { method: 'GET', path: '/tags/{resourceArn+}', operation: 'ListTagsForResource' },
];

/** Query parameters that are not strings in the model. */
const QUERY_TYPES: Readonly<Record<string, 'integer' | 'boolean' | 'list'>> = {
  maxResults: 'integer',
  isOwned: 'boolean',
  tagKeys: 'list',
};

type Segment = { literal: string } | { label: string; rest: boolean };

export interface Route {
  readonly method: string;
  readonly operation: OperationName;
  readonly query: readonly string[];
  readonly segments: readonly Segment[];
}

const ROUTES: readonly Route[] = ROUTE_SPECS.map((spec) => ({
  method: spec.method,
  operation: spec.operation,
  query: spec.query ?? [],
  segments: spec.path
    .split('/')
    .slice(1)
    .map((part): Segment => {
      const label = /^\{(\w+)(\+?)\}$/.exec(part);
      return label ? { label: label[1], rest: label[2] === '+' } : { literal: part };
    }),
}));

export interface RouteMatch {
  readonly route: Route;
  /** Raw (still percent-encoded) path label values. */
  readonly labels: Readonly<Record<string, string>>;
}

function matchPath(route: Route, parts: readonly string[]): Record<string, string> | undefined {
  const labels: Record<string, string> = {};
  for (let index = 0; index < route.segments.length; index++) {
    const segment = route.segments[index];
    const part = parts[index];
    if (part === undefined || part === '') return undefined;
    if ('literal' in segment) {
      if (segment.literal !== part) return undefined;
      continue;
    }
    if (segment.rest) {
      labels[segment.label] = parts.slice(index).join('/');
      return labels;
    }
    labels[segment.label] = part;
  }
  return parts.length === route.segments.length ? labels : undefined;
}

/** The operation for a method and path, or undefined when none matches. */
export function matchRoute(method: string, pathname: string): RouteMatch | undefined {
  const parts = pathname.replace(/\/+$/, '').split('/').slice(1);
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const labels = matchPath(route, parts);
    if (labels) return { route, labels };
  }
  return undefined;
}

const memberName = (wireName: string): string => wireName[0].toUpperCase() + wireName.slice(1);

function decode(value: string, name: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw invalidRequest(`${name} is not correctly percent-encoded`);
  }
}

function queryValue(name: string, values: string[]): unknown {
  switch (QUERY_TYPES[name]) {
    case 'list':
      return values;
    case 'integer':
      if (!/^-?\d+$/.test(values[0])) throw invalidRequest(`${name} must be an integer, not "${values[0]}"`);
      return Number(values[0]);
    case 'boolean':
      if (values[0] !== 'true' && values[0] !== 'false') throw invalidRequest(`${name} must be true or false`);
      return values[0] === 'true';
    default:
      return values[0];
  }
}

/** Body fields, then query parameters, then path labels, each bound to its model name. */
export function bindInput(match: RouteMatch, query: URLSearchParams, body: string): RawInput {
  let input: RawInput = {};
  if (body.trim() !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw invalidRequest('The request body is not valid JSON.');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw invalidRequest('The request body must be a JSON object.');
    }
    input = parsed as RawInput;
  }
  for (const name of match.route.query) {
    const values = query.getAll(name);
    if (values.length > 0) input[memberName(name)] = queryValue(name, values);
  }
  for (const [label, value] of Object.entries(match.labels)) {
    input[memberName(label)] = decode(value, label);
  }
  return input;
}
