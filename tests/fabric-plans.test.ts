import type { Chaincode, Channel } from '../lib/config';
import { planChaincode, type ChaincodeLedgerState } from '../lib/fabric/chaincode-plan';
import { planChannel, type ChannelLedgerState } from '../lib/fabric/channel-plan';
import { channelConfigtx } from '../lib/fabric/configtx';
import type { PeerEndpoint } from '../lib/fabric/directory';
import { signaturePolicy } from '../lib/fabric/policies';
import { parse } from 'yaml';

const MAJORITY = { admins: 'MAJORITY', lifecycleEndorsement: 'MAJORITY', endorsement: 'MAJORITY' } as const;
const ROYALTIES: Channel = { name: 'royalties', members: ['filmmaker', 'bank'], creator: 'filmmaker', anchorPeers: { filmmaker: 'peer1', bank: 'peer1' }, policies: MAJORITY };
const FILM_PEERS: PeerEndpoint[] = [
  { member: 'filmmaker', name: 'peer1', nodeId: 'nd-F1', endpoint: 'nd-f1.m-film.n-1.managedblockchain.us-east-1.amazonaws.com:30003' },
  { member: 'filmmaker', name: 'peer2', nodeId: 'nd-F2', endpoint: 'nd-f2.m-film.n-1.managedblockchain.us-east-1.amazonaws.com:30006' },
];
const EMPTY: ChannelLedgerState = { exists: false, readable: false, orgs: [], anchorPeers: {}, joined: [] };
const kinds = (steps: readonly { kind: string }[]) => steps.map((step) => step.kind);

describe('planChannel', () => {
  const plan = (state: ChannelLedgerState, member = 'filmmaker', mspId = 'm-FILM', channel = ROYALTIES) => planChannel({ channel, member, mspId, peers: member === 'filmmaker' ? FILM_PEERS : [], state });

  test('on an empty ledger the creator creates, joins every peer and sets its anchor peer', () => {
    const steps = plan(EMPTY);
    expect(kinds(steps)).toEqual(['create', 'join', 'join', 'anchor']);
    expect(steps[3]).toMatchObject({ anchors: [FILM_PEERS[0].endpoint] });
  });

  test('a member that is not the creator waits for the channel to exist', () => {
    expect(plan(EMPTY, 'bank', 'm-BANK')).toEqual([{ kind: 'wait', channel: 'royalties', reason: 'filmmaker creates royalties; run npm run channel -- --member bank again after it has' }]);
  });

  test('a channel that matches the YAML needs nothing', () => {
    const done: ChannelLedgerState = { exists: true, readable: true, orgs: ['m-BANK', 'm-FILM'], anchorPeers: { 'm-FILM': [{ host: FILM_PEERS[0].endpoint.split(':')[0], port: 30003 }] }, joined: ['nd-F1', 'nd-F2'] };
    expect(plan(done)).toEqual([]);
  });

  test('after a kill half way, only what is missing: the second join and the anchor', () => {
    expect(kinds(plan({ exists: true, readable: true, orgs: ['m-FILM', 'm-BANK'], anchorPeers: {}, joined: ['nd-F1'] }))).toEqual(['join', 'anchor']);
  });

  test('a changed anchor peer in the YAML moves the anchor', () => {
    const state: ChannelLedgerState = { exists: true, readable: true, orgs: ['m-FILM'], anchorPeers: { 'm-FILM': [{ host: 'nd-f1.m-film.n-1.managedblockchain.us-east-1.amazonaws.com', port: 30003 }] }, joined: ['nd-F1', 'nd-F2'] };
    const steps = plan(state, 'filmmaker', 'm-FILM', { ...ROYALTIES, anchorPeers: { ...ROYALTIES.anchorPeers, filmmaker: 'peer2' } });
    expect(steps).toEqual([expect.objectContaining({ kind: 'anchor', anchors: [FILM_PEERS[1].endpoint] })]);
  });

  test('a member the channel does not hold yet waits for the majority-signed update', () => {
    expect(kinds(plan({ exists: true, readable: false, orgs: [], anchorPeers: {}, joined: [] }))).toEqual(['wait']);
  });
});

describe('planChaincode', () => {
  const DOCUMENTS: Chaincode = { name: 'documents', channel: 'royalties', version: '1.0', sequence: 1, language: 'node', path: 'chaincode/documents', endorsementPolicy: 'MAJORITY', initRequired: false, collections: [] };
  const ID = `documents_1.0:${'a'.repeat(64)}`;
  const plan = (state: ChaincodeLedgerState, chaincode = DOCUMENTS) => planChaincode({ chaincode, channel: ROYALTIES, member: 'filmmaker', mspId: 'm-FILM', peers: FILM_PEERS, packageId: ID, state });

  test('first member: install on each peer, approve, then wait for a majority', () => {
    const steps = plan({ installed: {}, committed: null, approvals: { 'm-FILM': false, 'm-BANK': false } });
    expect(kinds(steps)).toEqual(['install', 'install', 'approve', 'wait']);
    expect(steps[3].reason).toBe('1 of 2 organisations approved documents 1.0 (sequence 1); MAJORITY needs 2 before it can be committed');
  });

  test('the member whose approval makes the majority commits', () => {
    expect(kinds(plan({ installed: { 'nd-F1': [ID], 'nd-F2': [ID] }, committed: null, approvals: { 'm-FILM': false, 'm-BANK': true } }))).toEqual(['approve', 'commit']);
  });

  test('committed at the YAML sequence: only peers still without the package get it', () => {
    expect(kinds(plan({ installed: { 'nd-F1': [ID] }, committed: { sequence: 1, version: '1.0' }, approvals: null }))).toEqual(['install']);
    expect(plan({ installed: { 'nd-F1': [ID], 'nd-F2': [ID] }, committed: { sequence: 1, version: '1.0' }, approvals: null })).toEqual([]);
  });

  test('an upgrade is a sequence bump: install the new package, approve sequence 2', () => {
    const upgrade = { ...DOCUMENTS, version: '1.1', sequence: 2 };
    expect(kinds(plan({ installed: { 'nd-F1': ['documents_1.0:old'], 'nd-F2': ['documents_1.0:old'] }, committed: { sequence: 1, version: '1.0' }, approvals: { 'm-FILM': false, 'm-BANK': false } }, upgrade))).toEqual(['install', 'install', 'approve', 'wait']);
  });

  test('a sequence that skips one waits with the reason', () => {
    expect(plan({ installed: { 'nd-F1': [ID], 'nd-F2': [ID] }, committed: null, approvals: null }, { ...DOCUMENTS, sequence: 3 })).toEqual([{ kind: 'wait', reason: 'royalties has sequence 0 committed; sequence 3 can only follow 1' }]);
  });
});

describe('policies and configtx', () => {
  test('endorsement rules become explicit signature policies over sorted MSP ids', () => {
    expect(signaturePolicy('MAJORITY', ['m-B', 'm-A', 'm-C'])).toBe("OutOf(2, 'm-A.member', 'm-B.member', 'm-C.member')");
    expect(signaturePolicy('MAJORITY', ['m-B', 'm-A'])).toBe("OutOf(2, 'm-A.member', 'm-B.member')");
    expect(signaturePolicy('ANY', ['m-B', 'm-A'])).toBe("OutOf(1, 'm-A.member', 'm-B.member')");
    expect(signaturePolicy('ALL', ['m-A', 'm-B', 'm-C'])).toBe("OutOf(3, 'm-A.member', 'm-B.member', 'm-C.member')");
  });

  test("configtx.yaml follows AMB's system-channel flow: AWSSystemConsortium, V2_0, no Orderer section, MAJORITY policies", () => {
    const ids: Record<string, string> = { filmmaker: 'm-FILM', bank: 'm-BANK' };
    const config = parse(channelConfigtx(ROYALTIES, (member) => ids[member]));
    const profile = config.Profiles.Channel;
    expect(profile.Consortium).toBe('AWSSystemConsortium');
    expect(profile.Orderer).toBeUndefined();
    expect(profile.Capabilities).toEqual({ V2_0: true });
    expect(profile.Application.Organizations.map((org: { Name: string; ID: string; MSPDir: string }) => [org.Name, org.ID, org.MSPDir])).toEqual([
      ['m-FILM', 'm-FILM', 'msp/m-FILM'],
      ['m-BANK', 'm-BANK', 'msp/m-BANK'],
    ]);
    expect(profile.Application.Policies).toMatchObject({
      Admins: { Type: 'ImplicitMeta', Rule: 'MAJORITY Admins' },
      LifecycleEndorsement: { Type: 'ImplicitMeta', Rule: 'MAJORITY Endorsement' },
      Endorsement: { Type: 'ImplicitMeta', Rule: 'MAJORITY Endorsement' },
    });
  });
});
