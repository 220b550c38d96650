/**
 * The network record: once consortium.yaml holds what the network was created with, a
 * change to any setting AMB cannot update is refused at load, naming the field, the value
 * the network was created with and what to do.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyYamlEdits, readYamlValue } from '../lib/config/record';
import { FROZEN_NETWORK_FIELDS, networkRecordEdit, networkRecordOf, type NetworkRecord } from '../lib/config/network-record';
import { ConsortiumFixture, SAMPLE_DIR } from './helpers/consortium-fixture';

const SAMPLE_RECORD = readYamlValue(join(SAMPLE_DIR, 'consortium.yaml'), ['ledger']) as NetworkRecord;

/** One change per frozen field: the YAML text before, after, and the value the network was created with. */
const CHANGES: Record<(typeof FROZEN_NETWORK_FIELDS)[number], { from: string; to: string; created: string }> = {
  name: { from: 'name: drm-royalties\n  description', to: 'name: drm-royalties-2\n  description', created: '"drm-royalties"' },
  description: { from: 'description: Film rights, OTT play reports and royalty payments\n  # Recorded', to: 'description: Royalties\n  # Recorded', created: '"Film rights, OTT play reports and royalty payments"' },
  frameworkVersion: { from: 'frameworkVersion: "2.2"\n  edition', to: 'frameworkVersion: "1.4"\n  edition', created: '"2.2"' },
  edition: { from: 'edition: STANDARD\n  region', to: 'edition: STARTER\n  region', created: '"STANDARD"' },
  'voting.thresholdPercentage': { from: 'thresholdPercentage: 50\n    proposal', to: 'thresholdPercentage: 60\n    proposal', created: '50' },
  'voting.proposalDurationInHours': { from: 'proposalDurationInHours: 24\n    thresholdComparator: GREATER_THAN\nfounder', to: 'proposalDurationInHours: 48\n    thresholdComparator: GREATER_THAN\nfounder', created: '24' },
  'voting.thresholdComparator': { from: 'thresholdComparator: GREATER_THAN\nfounder', to: 'thresholdComparator: GREATER_THAN_OR_EQUAL_TO\nfounder', created: '"GREATER_THAN"' },
};

describe('network settings frozen by the network record', () => {
  let fixture: ConsortiumFixture;
  beforeEach(() => {
    fixture = new ConsortiumFixture();
  });
  afterEach(() => fixture.dispose());

  it('loads the sample, whose settings match its record', () => {
    expect(fixture.load().network.edition).toBe(SAMPLE_RECORD.edition);
  });

  it.each(FROZEN_NETWORK_FIELDS)('refuses a changed network.%s, naming the field and what the network was created with', (field) => {
    const change = CHANGES[field];
    fixture.edit('consortium.yaml', change.from, change.to);
    const errors = fixture.errors();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(new RegExp(`^members/consortium\\.yaml:\\d+:\\d+ network\\.${field.replace('.', '\\.')}: network n-MWY63ZJZU5HGNCMBQER7IN6OIU was created with ${change.created.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} and AMB cannot change it`));
    expect(errors[0]).toContain(`(allowed: ${change.created}; a different ${field} needs a new network`);
  });

  it('refuses a setting left out of the YAML whose default differs from what the network was created with', () => {
    fixture.edit('consortium.yaml', '    proposalDurationInHours: 24\n    thresholdComparator: GREATER_THAN\nfounder', '    thresholdComparator: GREATER_THAN\nfounder');
    expect(fixture.load().network.voting.proposalDurationInHours).toBe(24);
    fixture.edit('consortium.yaml', '    proposalDurationInHours: 24\n    thresholdComparator: GREATER_THAN\n', '    proposalDurationInHours: 48\n    thresholdComparator: GREATER_THAN\n');
    expect(fixture.errors()).toEqual([expect.stringMatching(/^members\/consortium\.yaml:\d+:\d+ network\.voting\.proposalDurationInHours: network n-\w+ was created with 48 /)]);
  });

  it('lists every changed setting at once', () => {
    for (const field of ['edition', 'voting.thresholdPercentage', 'name'] as const) fixture.edit('consortium.yaml', CHANGES[field].from, CHANGES[field].to);
    expect(fixture.errors().map((line) => line.split(' ')[1])).toEqual(['network.name:', 'network.edition:', 'network.voting.thresholdPercentage:']);
  });

  it('reports a value the schema refuses once, without comparing its default to the record', () => {
    fixture.edit('consortium.yaml', 'edition: STANDARD\n  region', 'edition: PREMIUM\n  region');
    expect(fixture.errors()).toEqual([expect.stringMatching(/network\.edition: "PREMIUM" is not one of the allowed values/)]);
  });

  it('refuses a network.id that is not the recorded network', () => {
    fixture.edit('consortium.yaml', 'id: n-MWY63ZJZU5HGNCMBQER7IN6OIU', 'id: n-OTHERNETWORK');
    expect(fixture.errors()).toContainEqual(expect.stringMatching(/network\.id: is n-OTHERNETWORK, but ledger: records network n-MWY63ZJZU5HGNCMBQER7IN6OIU \(allowed: n-MWY63ZJZU5HGNCMBQER7IN6OIU, or run npm run sync/));
  });

  it('allows any setting while no record exists (before the first sync)', () => {
    fixture.edit('consortium.yaml', /# Written by `npm run sync`: what the network[^]*$/, '').edit('consortium.yaml', CHANGES.edition.from, CHANGES.edition.to).edit('bank.yaml', 'instanceType: bc.t3.medium', 'instanceType: bc.t3.small');
    expect(fixture.load().network.edition).toBe('STARTER');
  });
});

describe('writing the network record', () => {
  const getNetwork = {
    Id: 'n-NEW',
    Name: 'drm-royalties',
    Description: 'Film rights',
    Framework: 'HYPERLEDGER_FABRIC' as const,
    FrameworkVersion: '2.2',
    FrameworkAttributes: { Fabric: { Edition: 'STARTER' as const } },
    VotingPolicy: { ApprovalThresholdPolicy: { ThresholdPercentage: 66, ProposalDurationInHours: 12, ThresholdComparator: 'GREATER_THAN_OR_EQUAL_TO' as const } },
  };

  it('reads the record from a GetNetwork answer', () => {
    expect(networkRecordOf(getNetwork)).toEqual({
      networkId: 'n-NEW',
      name: 'drm-royalties',
      description: 'Film rights',
      frameworkVersion: '2.2',
      edition: 'STARTER',
      voting: { thresholdPercentage: 66, proposalDurationInHours: 12, thresholdComparator: 'GREATER_THAN_OR_EQUAL_TO' },
    });
    expect(() => networkRecordOf({ ...getNetwork, VotingPolicy: undefined })).toThrow(/incomplete .*\(n-NEW\)/);
  });

  it('appends the record with its comment, keeping every other byte and comment of consortium.yaml', () => {
    const text = readFileSync(join(SAMPLE_DIR, 'consortium.yaml'), 'utf8');
    const withoutRecord = text.slice(0, text.indexOf('# Written by `npm run sync`: what the network'));
    const result = applyYamlEdits('consortium.yaml', withoutRecord, [networkRecordEdit(SAMPLE_RECORD)]);
    expect(result.text).toBe(text);
    expect(applyYamlEdits('consortium.yaml', text, [networkRecordEdit(SAMPLE_RECORD)]).changed).toBe(false);
  });
});
