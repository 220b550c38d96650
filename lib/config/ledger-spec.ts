/**
 * The `channels:` and `chaincodes:` sections of consortium.yaml: what the ledger shares.
 * Limits and defaults come from the AMB developer guide (at most 8 channels per network,
 * Fabric 2.2) and the Fabric 2.2 docs (channel names, chaincode names, lifecycle sequence).
 */
import { MEMBER_NAME_PATTERN } from '../amb';
import type { ArraySpec, ObjectSpec, StringSpec } from './spec';

/** AMB: "You can create up to 8 channels per network" (Managed Blockchain quotas). */
export const MAX_CHANNELS = 8;

/** How many of a channel's members an implicit-meta policy needs (Fabric `ImplicitMeta` rules). */
export const POLICY_RULES = ['ANY', 'MAJORITY', 'ALL'] as const;

const MEMBER_REF: StringSpec = {
  type: 'string',
  description: 'A member name (the name of its YAML file without .yaml).',
  pattern: MEMBER_NAME_PATTERN,
  patternHint: 'a member name: letters, digits and single hyphens, starting with a letter',
};

const RULE = (what: string): StringSpec => ({
  type: 'string',
  description: `How many of the channel's member orgs ${what}.`,
  enum: POLICY_RULES,
  default: 'MAJORITY',
});

export const CHANNEL_ITEM_SPEC: ObjectSpec = {
  type: 'object',
  description: 'A channel.',
  properties: {
    name: {
      type: 'string',
      description: 'Channel name (Fabric: lower-case, starts with a letter, under 250 characters).',
      pattern: /^[a-z][a-z0-9.-]{0,248}$/,
      patternHint: 'lower-case letters, digits, dots and hyphens, starting with a letter',
    },
    members: { type: 'array', description: 'Member names on the channel.', items: MEMBER_REF, minItems: 1 },
    creator: { ...MEMBER_REF, description: 'The member that creates the channel (default: the first of members).' },
    anchorPeers: {
      type: 'map',
      description: "Anchor peer of each member on this channel, by peer name (default: the member's first peer).",
      keyPattern: MEMBER_NAME_PATTERN,
      keyHint: 'a member name of this channel',
      values: { type: 'string', description: 'Name of one of the member\'s peers.', pattern: /^[a-z][a-z0-9]{0,31}$/, patternHint: 'a peer name such as peer1' },
      maxEntries: 14,
    },
    policies: {
      type: 'object',
      description: 'Channel policies over the member orgs (Fabric ImplicitMeta). Readers and Writers stay ANY.',
      properties: {
        admins: RULE('must sign a channel config update, such as adding a member'),
        lifecycleEndorsement: RULE('must approve a chaincode definition before it can be committed'),
        endorsement: RULE('must endorse a transaction when a chaincode names the channel default'),
      },
    },
  },
  required: ['name', 'members'],
};

export const CHANNELS_SPEC: ArraySpec = {
  type: 'array',
  description: `Fabric channels and the members that share them (AMB allows at most ${MAX_CHANNELS} per network).`,
  items: CHANNEL_ITEM_SPEC,
  maxItems: MAX_CHANNELS,
};

const COLLECTION_SPEC: ObjectSpec = {
  type: 'object',
  description: 'A private data collection.',
  properties: {
    name: {
      type: 'string',
      description: 'Collection name.',
      pattern: /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/,
      patternHint: 'letters, digits, _ and -, starting with a letter or digit',
    },
    members: { type: 'array', description: 'Members whose peers hold the private data.', items: MEMBER_REF, minItems: 1 },
    requiredPeerCount: { type: 'integer', description: 'Peers the endorsing peer must disseminate to before endorsing.', minimum: 0, maximum: 42, default: 0 },
    maxPeerCount: { type: 'integer', description: 'Peers the endorsing peer tries to disseminate to.', minimum: 0, maximum: 42, default: 1 },
    blockToLive: { type: 'integer', description: 'Blocks after which the private data is purged; 0 keeps it forever.', minimum: 0, maximum: 1_000_000_000, default: 0 },
    memberOnlyRead: { type: 'boolean', description: 'Only collection members may read.', default: true },
    memberOnlyWrite: { type: 'boolean', description: 'Only collection members may write.', default: true },
  },
  required: ['name', 'members'],
};

export const CHAINCODE_ITEM_SPEC: ObjectSpec = {
  type: 'object',
  description: 'A chaincode definition on a channel.',
  properties: {
    name: {
      type: 'string',
      description: 'Chaincode name (Fabric: letters, digits, and single _ or - between them).',
      pattern: /^[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)*$/,
      patternHint: 'letters and digits, separated by single _ or -',
    },
    channel: { type: 'string', description: 'The channel it is defined on (one of channels).', pattern: /^[a-z][a-z0-9.-]{0,248}$/, patternHint: 'a channel name' },
    version: {
      type: 'string',
      description: 'Version label of the definition; part of the package label <name>_<version>.',
      pattern: /^[A-Za-z0-9_.+-]{1,64}$/,
      patternHint: '1-64 letters, digits, _ . + -',
    },
    sequence: {
      type: 'integer',
      description: 'Lifecycle sequence of the definition: 1 at first, +1 for every upgrade or change; it never shrinks.',
      minimum: 1,
      maximum: 1_000_000,
    },
    language: { type: 'string', description: 'Chaincode language.', enum: ['node', 'go'], default: 'node' },
    path: {
      type: 'string',
      description: 'Source directory, relative to the repository root (the parent of the members directory).',
      pattern: /^(?!\/)(?!.*(?:^|\/)\.\.(?:\/|$))[A-Za-z0-9_.\/-]{1,200}$/,
      patternHint: 'a relative path inside the repository, such as chaincode/documents',
    },
    endorsementPolicy: {
      type: 'string',
      description: "How many of the channel's member orgs must endorse a transaction; written as an explicit signature policy over their MSP ids.",
      enum: POLICY_RULES,
      default: 'MAJORITY',
    },
    initRequired: { type: 'boolean', description: 'The first transaction must be Init (peer --init-required).', default: false },
    requiredAttribute: {
      type: 'string',
      description:
        'Certificate attribute (name=value) an identity must carry to write through this chaincode. Built into the package (chaincode-config.json), so it is part of the package id every member approves.',
      pattern: /^[A-Za-z][A-Za-z0-9_.-]{0,63}=[^\s=]{1,128}$/,
      patternHint: 'name=value, e.g. role=reporter',
    },
    collections: { type: 'array', description: 'Private data collections.', items: COLLECTION_SPEC, maxItems: 16 },
    packageId: {
      type: 'string',
      description: 'Package id <label>:<sha256>, recorded by the first member that packages it; every other member checks its own build against it.',
      pattern: /^[A-Za-z0-9_.+-]+:[0-9a-f]{64}$/,
      patternHint: '<name>_<version>:<64 hex digits>',
    },
    ledger: {
      type: 'object',
      description: 'The definition last committed on the channel; written by npm run chaincode, do not edit.',
      properties: {
        sequence: { type: 'integer', description: 'Committed sequence.', minimum: 1, maximum: 1_000_000 },
        version: { type: 'string', description: 'Committed version.', pattern: /^[A-Za-z0-9_.+-]{1,64}$/, patternHint: 'a version' },
      },
      required: ['sequence'],
    },
  },
  required: ['name', 'channel', 'version', 'sequence', 'path'],
};

export const CHAINCODES_SPEC: ArraySpec = {
  type: 'array',
  description: 'Chaincode definitions, applied by npm run chaincode with each member\'s own admin.',
  items: CHAINCODE_ITEM_SPEC,
  maxItems: 50,
};
