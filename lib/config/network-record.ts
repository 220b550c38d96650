/**
 * The network record: what the AMB network was created with, kept under `ledger:` in
 * consortium.yaml. AMB has no UpdateNetwork (name, description, framework version, edition
 * and voting policy are fixed at CreateNetwork), so once the record exists the loader
 * refuses any of those settings that differ from it (lib/config/rules.ts).
 *
 * Writers: `npm run sync` (from GetNetwork) and any command that takes over an existing
 * network. Both call `recordNetwork`, which changes only the `ledger:` block and keeps
 * every comment of the file.
 *
 * Shape in the YAML (all fields written, description only when the network has one):
 * ```yaml
 * # Written by `npm run sync`: what the network was created with; AMB cannot change it. Do not edit.
 * ledger:
 *   networkId: n-MWY63ZJZU5HGNCMBQER7IN6OIU
 *   name: drm-royalties
 *   description: Film rights, OTT play reports and royalty payments
 *   frameworkVersion: "2.2"
 *   edition: STANDARD
 *   voting:
 *     thresholdPercentage: 50
 *     proposalDurationInHours: 24
 *     thresholdComparator: GREATER_THAN
 * ```
 * Source of the fields: GetNetwork (Network.Name, Description, FrameworkVersion,
 * FrameworkAttributes.Fabric.Edition, VotingPolicy.ApprovalThresholdPolicy), AMB API reference.
 */
import type { Network as AmbNetwork } from '@aws-sdk/client-managedblockchain';
import type { Edition, FrameworkVersion, ThresholdComparator } from '../amb';
import { recordInYamlFile, type RecordResult, type YamlEdit } from './record';

/** What a network was created with, as recorded under `ledger:` in consortium.yaml. */
export interface NetworkRecord {
  /** AMB network id, `n-...`. */
  readonly networkId: string;
  /** Network name, 1-64 characters. */
  readonly name: string;
  /** Network description; absent when the network has none. */
  readonly description?: string;
  readonly frameworkVersion: FrameworkVersion;
  readonly edition: Edition;
  readonly voting: {
    /** Percentage of ALL members (0-100). */
    readonly thresholdPercentage: number;
    /** Hours a proposal stays open (1-168). */
    readonly proposalDurationInHours: number;
    readonly thresholdComparator: ThresholdComparator;
  };
}

/** The key of the record in consortium.yaml. */
export const NETWORK_RECORD_KEY = 'ledger';

export const NETWORK_RECORD_COMMENT = 'Written by `npm run sync`: what the network was created with; AMB cannot change it. Do not edit.';

/** The network settings the record freezes, as dotted paths under `network` in consortium.yaml. */
export const FROZEN_NETWORK_FIELDS = [
  'name',
  'description',
  'frameworkVersion',
  'edition',
  'voting.thresholdPercentage',
  'voting.proposalDurationInHours',
  'voting.thresholdComparator',
] as const;

export type FrozenNetworkField = (typeof FROZEN_NETWORK_FIELDS)[number];

/** The value of a frozen field in a record; a missing description reads as ''. */
export function recordedValue(record: NetworkRecord, field: FrozenNetworkField): string | number {
  switch (field) {
    case 'voting.thresholdPercentage':
      return record.voting.thresholdPercentage;
    case 'voting.proposalDurationInHours':
      return record.voting.proposalDurationInHours;
    case 'voting.thresholdComparator':
      return record.voting.thresholdComparator;
    case 'description':
      return record.description ?? '';
    default:
      return record[field];
  }
}

/**
 * The record of a network as GetNetwork returns it.
 * @throws Error when GetNetwork's answer lacks the id, name, version, edition or voting policy.
 */
export function networkRecordOf(network: AmbNetwork): NetworkRecord {
  const policy = network.VotingPolicy?.ApprovalThresholdPolicy;
  const edition = network.FrameworkAttributes?.Fabric?.Edition;
  if (!network.Id || !network.Name || !network.FrameworkVersion || !edition || !policy || policy.ThresholdPercentage === undefined || policy.ProposalDurationInHours === undefined || !policy.ThresholdComparator) {
    throw new Error(`GetNetwork returned an incomplete Hyperledger Fabric network (${network.Id ?? 'no id'}): cannot record what it was created with`);
  }
  return {
    networkId: network.Id,
    name: network.Name,
    ...(network.Description ? { description: network.Description } : {}),
    frameworkVersion: network.FrameworkVersion as FrameworkVersion,
    edition: edition as Edition,
    voting: {
      thresholdPercentage: policy.ThresholdPercentage,
      proposalDurationInHours: policy.ProposalDurationInHours,
      thresholdComparator: policy.ThresholdComparator as ThresholdComparator,
    },
  };
}

/** The edit that writes the record into consortium.yaml (appended at the end when it is new). */
export function networkRecordEdit(record: NetworkRecord): YamlEdit {
  return { path: [NETWORK_RECORD_KEY], value: record, comment: NETWORK_RECORD_COMMENT };
}

/**
 * Writes the record into consortium.yaml atomically, keeping comments and every other line;
 * writes nothing when it is already there or in a dry run.
 * @param consortiumFile path of consortium.yaml
 * @throws UsageError when the file has YAML errors
 */
export function recordNetwork(consortiumFile: string, record: NetworkRecord, options: { readonly dryRun?: boolean } = {}): RecordResult {
  return recordInYamlFile(consortiumFile, [networkRecordEdit(record)], options);
}
