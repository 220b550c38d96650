/** TagResource, UntagResource, ListTagsForResource, addressed by ARN. */
import type {
  ListTagsForResourceResponse,
  TagResourceResponse,
  UntagResourceResponse,
} from '@aws-sdk/client-managedblockchain';
import { parseArn } from '../arns';
import { invalidRequest, notFound } from '../errors';
import type { InputReader } from '../input';
import { checkTags } from '../rules';
import type { SimState, Tags } from '../state';
import type { OperationContext } from './context';

interface Taggable {
  readonly arn: string;
  tags: Tags;
}

function collection(state: SimState, type: string): Record<string, Taggable> {
  switch (type) {
    case 'networks':
      return state.networks;
    case 'members':
      return state.members;
    case 'nodes':
      return state.nodes;
    case 'proposals':
      return state.proposals;
    default:
      return state.invitations;
  }
}

function findTaggable(context: OperationContext, input: InputReader): Taggable {
  const arn = input.string('ResourceArn', { min: 1, max: 1011 });
  const parsed = parseArn(arn);
  if (!parsed) throw invalidRequest(`ResourceArn "${arn}" is not an Amazon Managed Blockchain resource ARN.`);
  const resource = collection(context.state, parsed.type)[parsed.id];
  if (!resource || resource.arn !== arn || parsed.region !== context.caller.region) {
    throw notFound(`Resource ${arn} not found.`, arn);
  }
  return resource;
}

export function tagResource(context: OperationContext, input: InputReader): TagResourceResponse {
  const resource = findTaggable(context, input);
  const added = input.optionalStringMap('Tags');
  if (added === undefined) throw invalidRequest('Tags is required');
  const merged = { ...resource.tags, ...added };
  checkTags(merged, 'Tags', resource.arn);
  resource.tags = merged;
  return {};
}

export function untagResource(context: OperationContext, input: InputReader): UntagResourceResponse {
  const resource = findTaggable(context, input);
  const keys = input.optionalStringList('TagKeys');
  if (keys === undefined) throw invalidRequest('TagKeys is required');
  const remaining = { ...resource.tags };
  for (const key of keys) delete remaining[key];
  resource.tags = remaining;
  return {};
}

export function listTagsForResource(context: OperationContext, input: InputReader): ListTagsForResourceResponse {
  return { Tags: { ...findTaggable(context, input).tags } };
}
