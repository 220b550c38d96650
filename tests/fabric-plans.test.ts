import type { Chaincode, Channel } from '../lib/config';
import { planChaincode, type ChaincodeLedgerState } from '../lib/fabric/chaincode-plan';
import { planChannel, type ChannelLedgerState, type ChannelStep, type ChannelUpdateSummary } from '../lib/fabric/channel-plan';
import { channelConfigtx } from '../lib/fabric/configtx';
import type { PeerEndpoint } from '../lib/fabric/directory';
import { signaturePolicy } from '../lib/fabric/policies';
import { parse } from 'yaml';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalTransport, STEPS_DIR } from '../lib/fabric/transport';
import { requireTool } from './helpers/tools';

const MAJORITY = { admins: 'MAJORITY', lifecycleEndorsement: 'MAJORITY', endorsement: 'MAJORITY' } as const;
const ROYALTIES: Channel = { name: 'royalties', members: ['filmmaker', 'bank'], creator: 'filmmaker', anchorPeers: { filmmaker: 'peer1', bank: 'peer1' }, policies: MAJORITY };
const FILM_PEERS: PeerEndpoint[] = [
  { member: 'filmmaker', name: 'peer1', nodeId: 'nd-F1', endpoint: 'nd-f1.m-film.n-1.managedblockchain.us-east-1.amazonaws.com:30003' },
  { member: 'filmmaker', name: 'peer2', nodeId: 'nd-F2', endpoint: 'nd-f2.m-film.n-1.managedblockchain.us-east-1.amazonaws.com:30006' },
];
const UNREAD = { sequence: 0, adminsRule: null, versions: {} } as const;
const EMPTY: ChannelLedgerState = { exists: false, readable: false, orgs: [], anchorPeers: {}, joined: [], ...UNREAD };
const MSP_IDS = { filmmaker: 'm-FILM', bank: 'm-BANK', 'ott-vendor-1': 'm-OTT1', 'ott-vendor-2': 'm-OTT2' };
const kinds = (steps: readonly { kind: string }[]) => steps.map((step) => step.kind);

describe('planChannel', () => {
  const plan = (state: ChannelLedgerState, member = 'filmmaker', mspId = 'm-FILM', channel = ROYALTIES) => planChannel({ channel, member, mspId, peers: member === 'filmmaker' ? FILM_PEERS : [], state, mspIds: MSP_IDS });

  test('on an empty ledger the creator creates, joins every peer and sets its anchor peer', () => {
    const steps = plan(EMPTY);
    expect(kinds(steps)).toEqual(['create', 'join', 'join', 'anchor']);
    expect(steps[3]).toMatchObject({ anchors: [FILM_PEERS[0].endpoint] });
  });

  test('a member that is not the creator waits for the channel to exist', () => {
    expect(plan(EMPTY, 'bank', 'm-BANK')).toEqual([{ kind: 'wait', channel: 'royalties', reason: 'filmmaker creates royalties; run npm run channel -- --member bank again after it has' }]);
  });

  test('a channel that matches the YAML needs nothing', () => {
    const done: ChannelLedgerState = { exists: true, readable: true, orgs: ['m-BANK', 'm-FILM'], anchorPeers: { 'm-FILM': [{ host: FILM_PEERS[0].endpoint.split(':')[0], port: 30003 }] }, joined: ['nd-F1', 'nd-F2'], ...UNREAD };
    expect(plan(done)).toEqual([]);
  });

  test('after a kill half way, only what is missing: the second join and the anchor', () => {
    expect(kinds(plan({ exists: true, readable: true, orgs: ['m-FILM', 'm-BANK'], anchorPeers: {}, joined: ['nd-F1'], ...UNREAD }))).toEqual(['join', 'anchor']);
  });

  test('a changed anchor peer in the YAML moves the anchor', () => {
    const state: ChannelLedgerState = { exists: true, readable: true, orgs: ['m-FILM', 'm-BANK'], anchorPeers: { 'm-FILM': [{ host: 'nd-f1.m-film.n-1.managedblockchain.us-east-1.amazonaws.com', port: 30003 }] }, joined: ['nd-F1', 'nd-F2'], ...UNREAD };
    const steps = plan(state, 'filmmaker', 'm-FILM', { ...ROYALTIES, anchorPeers: { ...ROYALTIES.anchorPeers, filmmaker: 'peer2' } });
    expect(steps).toEqual([expect.objectContaining({ kind: 'anchor', anchors: [FILM_PEERS[1].endpoint] })]);
  });

  test('a member the channel does not hold yet waits for the majority-signed update', () => {
    expect(kinds(plan({ exists: true, readable: false, orgs: [], anchorPeers: {}, joined: [], ...UNREAD }))).toEqual(['wait']);
  });
});

describe('planChannel: adding and removing members by a majority-signed config update', () => {
  const PLAYS: Channel = { name: 'plays', members: ['filmmaker', 'ott-vendor-1', 'ott-vendor-2'], creator: 'filmmaker', anchorPeers: {}, policies: MAJORITY };
  const VERSIONS = { 'g:/Channel': 0, 'g:/Channel/Application': 1, 'p:/Channel/Application/Admins': 0 };
  const ON_CHANNEL: ChannelLedgerState = { exists: true, readable: true, orgs: ['m-FILM', 'm-OTT1'], anchorPeers: {}, joined: [], sequence: 4, adminsRule: 'MAJORITY', versions: VERSIONS };
  const UPDATE: ChannelUpdateSummary = { name: 'seq4-add-ott-vendor-2', baseSequence: 4, add: ['m-OTT2'], remove: [], readSet: { 'g:/Channel': 0, 'g:/Channel/Application': 1 }, signedBy: [], required: 2, signers: ['m-FILM', 'm-OTT1'] };
  const plan = (member: string, state: ChannelLedgerState, updates: ChannelUpdateSummary[] = [], channel = PLAYS, publishedMsp = Object.keys(MSP_IDS)) =>
    planChannel({ channel, member, mspId: MSP_IDS[member as keyof typeof MSP_IDS], peers: [], state, mspIds: MSP_IDS, updates, publishedMsp });
  const shown = (steps: readonly ChannelStep[]) => steps.map((step) => `${step.kind} ${'update' in step ? step.update : ''}`.trim());

  test('a member on the channel computes the update the YAML asks for, signs it, and waits for the other of 2 (MAJORITY of 2 is both)', () => {
    const steps = plan('filmmaker', ON_CHANNEL);
    expect(shown(steps)).toEqual(['compute seq4-add-ott-vendor-2', 'sign seq4-add-ott-vendor-2', 'wait seq4-add-ott-vendor-2']);
    expect(steps[0]).toMatchObject({ add: ['m-OTT2'], remove: [] });
    expect(steps[2].reason).toBe('1 of the 2 organisations of plays signed (filmmaker); MAJORITY Admins needs 2: still to sign, 1 of ott-vendor-1 (npm run channel -- --member M)');
  });

  test('the member whose signature completes the majority signs and submits', () => {
    expect(shown(plan('ott-vendor-1', ON_CHANNEL, [{ ...UPDATE, signedBy: ['m-FILM'] }]))).toEqual(['sign seq4-add-ott-vendor-2', 'submit seq4-add-ott-vendor-2']);
  });

  test('a member that signed already, run again, changes nothing and still names who must sign', () => {
    const steps = plan('filmmaker', ON_CHANNEL, [{ ...UPDATE, signedBy: ['m-FILM'] }]);
    expect(shown(steps)).toEqual(['wait seq4-add-ott-vendor-2']);
    expect(steps[0].reason).toMatch(/still to sign, 1 of ott-vendor-1/);
  });

  test('with a majority signed, any member of the channel that runs submits', () => {
    expect(shown(plan('filmmaker', ON_CHANNEL, [{ ...UPDATE, signedBy: ['m-FILM', 'm-OTT1'] }]))).toEqual(['submit seq4-add-ott-vendor-2']);
  });

  test('MAJORITY of 3 is 2; ANY of 3 is 1 (read from the channel config, not the YAML)', () => {
    const three = { ...ON_CHANNEL, orgs: ['m-BANK', 'm-FILM', 'm-OTT1'] };
    const channel = { ...PLAYS, members: ['filmmaker', 'bank', 'ott-vendor-1', 'ott-vendor-2'] };
    expect(shown(plan('filmmaker', three, [], channel))).toEqual(['compute seq4-add-ott-vendor-2', 'sign seq4-add-ott-vendor-2', 'wait seq4-add-ott-vendor-2']);
    expect(shown(plan('filmmaker', three, [{ ...UPDATE, signedBy: ['m-BANK'] }], channel))).toEqual(['sign seq4-add-ott-vendor-2', 'submit seq4-add-ott-vendor-2']);
    expect(shown(plan('filmmaker', { ...three, adminsRule: 'ANY' }, [], channel))).toEqual(['compute seq4-add-ott-vendor-2', 'sign seq4-add-ott-vendor-2', 'submit seq4-add-ott-vendor-2']);
  });

  test('a signature by an organisation that is not on the channel does not count', () => {
    expect(shown(plan('filmmaker', ON_CHANNEL, [{ ...UPDATE, signedBy: ['m-OTT2'] }]))).toEqual(['sign seq4-add-ott-vendor-2', 'wait seq4-add-ott-vendor-2']);
  });

  test('the member being added waits, naming who still has to sign, or who submits', () => {
    const outside: ChannelLedgerState = { exists: true, readable: false, orgs: [], anchorPeers: {}, joined: [], ...UNREAD };
    expect(plan('ott-vendor-2', outside)).toEqual([{ kind: 'wait', channel: 'plays', reason: 'ott-vendor-2 (m-OTT2) is not an organisation of plays yet; one of its organisations computes and signs the update that adds it (npm run channel -- --member M, M one of filmmaker, ott-vendor-1)' }]);
    expect(plan('ott-vendor-2', outside, [{ ...UPDATE, signedBy: ['m-FILM'] }])[0].reason).toBe(
      'ott-vendor-2 (m-OTT2) is not an organisation of plays yet; seq4-add-ott-vendor-2 has 1 of the 2 signatures it needs: still to sign, 1 of ott-vendor-1 (npm run channel -- --member M)',
    );
    expect(plan('ott-vendor-2', outside, [{ ...UPDATE, signedBy: ['m-FILM', 'm-OTT1'] }])[0].reason).toMatch(/has the 2 signatures it needs: any of filmmaker, ott-vendor-1 submits it/);
    expect(plan('ott-vendor-2', outside, [], PLAYS, ['filmmaker', 'ott-vendor-1'])[0].reason).toMatch(/publish its MSP first \(npm run msp -- --member ott-vendor-2/);
  });

  test('an added member whose MSP is not in git: the channel waits for it instead of computing', () => {
    const steps = plan('filmmaker', ON_CHANNEL, [], PLAYS, ['filmmaker', 'ott-vendor-1']);
    expect(shown(steps)).toEqual(['wait']);
    expect(steps[0].reason).toBe('adds ott-vendor-2 needs ott-vendor-2\'s MSP in git: npm run msp -- --member ott-vendor-2, then commit members/msp/');
  });

  test('once applied (the new org is on the channel), the update is done: nothing to do, the added member joins', () => {
    const applied = { ...ON_CHANNEL, orgs: ['m-FILM', 'm-OTT1', 'm-OTT2'], sequence: 5, versions: { ...VERSIONS, 'g:/Channel/Application': 2 } };
    expect(plan('filmmaker', applied, [{ ...UPDATE, signedBy: ['m-FILM', 'm-OTT1'] }])).toEqual([]);
    expect(kinds(planChannel({ channel: { ...PLAYS, anchorPeers: { 'ott-vendor-2': 'peer1' } }, member: 'ott-vendor-2', mspId: 'm-OTT2', peers: [{ member: 'ott-vendor-2', name: 'peer1', nodeId: 'nd-O2', endpoint: 'o2:7051' }], state: applied, mspIds: MSP_IDS, updates: [], publishedMsp: Object.keys(MSP_IDS) }))).toEqual(['join', 'anchor']);
  });

  test('a stale update (its read set moved on) is reported with what to do, and a fresh one is computed', () => {
    const moved = { ...ON_CHANNEL, sequence: 6, versions: { ...VERSIONS, 'g:/Channel/Application': 2 } };
    const steps = plan('filmmaker', moved, [{ ...UPDATE, signedBy: ['m-FILM'] }]);
    expect(shown(steps)).toEqual(['stale seq4-add-ott-vendor-2', 'compute seq6-add-ott-vendor-2', 'sign seq6-add-ott-vendor-2', 'wait seq6-add-ott-vendor-2']);
    expect(steps[0].reason).toBe(
      'computed at config sequence 4, but plays has changed since (/Channel/Application is at version 2, the update was computed at 1), so its signatures can no longer be used; seq6-add-ott-vendor-2 replaces it: delete channels/plays/updates/seq4-add-ott-vendor-2/',
    );
  });

  test('an update made at an older sequence still counts while its read set is current (an anchor peer moved meanwhile)', () => {
    expect(shown(plan('ott-vendor-1', { ...ON_CHANNEL, sequence: 5 }, [{ ...UPDATE, signedBy: ['m-FILM'] }]))).toEqual(['sign seq4-add-ott-vendor-2', 'submit seq4-add-ott-vendor-2']);
  });

  test('removal works the same way: the YAML drops a member, the update removes its org', () => {
    const three = { ...ON_CHANNEL, orgs: ['m-FILM', 'm-OTT1', 'm-OTT2'], sequence: 7 };
    const channel = { ...PLAYS, members: ['filmmaker', 'ott-vendor-1'] };
    const steps = plan('filmmaker', three, [], channel);
    expect(shown(steps)).toEqual(['compute seq7-remove-ott-vendor-2', 'sign seq7-remove-ott-vendor-2', 'wait seq7-remove-ott-vendor-2']);
    expect(steps[0]).toMatchObject({ add: [], remove: ['m-OTT2'] });
    expect(steps[2].reason).toBe('1 of the 3 organisations of plays signed (filmmaker); MAJORITY Admins needs 2: still to sign, 1 of ott-vendor-1, ott-vendor-2 (npm run channel -- --member M)');
  });

  test('a member the YAML drops signs its own removal while it is still on the channel (MAJORITY of 2 needs it), and nothing once removed', () => {
    const royalties = { ...ROYALTIES, members: ['filmmaker'] };
    const removal: ChannelUpdateSummary = { ...UPDATE, name: 'seq4-remove-bank', add: [], remove: ['m-BANK'], signedBy: ['m-FILM'], signers: ['m-BANK', 'm-FILM'] };
    const both = { ...ON_CHANNEL, orgs: ['m-BANK', 'm-FILM'] };
    expect(shown(plan('bank', both, [removal], royalties))).toEqual(['sign seq4-remove-bank', 'submit seq4-remove-bank']);
    expect(plan('bank', { ...both, readable: false, orgs: [] }, [removal], royalties)).toEqual([]);
  });

  test("a listed member whose member id is not recorded yet: the channel waits for npm run sync", () => {
    const steps = planChannel({ channel: PLAYS, member: 'filmmaker', mspId: 'm-FILM', peers: [], state: ON_CHANNEL, mspIds: { filmmaker: 'm-FILM', 'ott-vendor-1': 'm-OTT1' }, updates: [] });
    expect(steps).toEqual([{ kind: 'wait', channel: 'plays', reason: 'the member id of ott-vendor-2 is not recorded yet: npm run sync -- --member ott-vendor-2 once its deploy created the member' }]);
  });

  test('an update the YAML no longer asks for is reported obsolete while it could still be submitted; silent once it cannot', () => {
    const steps = plan('filmmaker', ON_CHANNEL, [{ ...UPDATE, signedBy: ['m-FILM'] }], { ...PLAYS, members: ['filmmaker', 'ott-vendor-1'] });
    expect(shown(steps)).toEqual(['obsolete seq4-add-ott-vendor-2']);
    expect(steps[0].reason).toMatch(/the YAML no longer asks for what it does \(adds ott-vendor-2\); delete channels\/plays\/updates\/seq4-add-ott-vendor-2\//);
    expect(plan('filmmaker', { ...ON_CHANNEL, versions: { ...VERSIONS, 'g:/Channel/Application': 3 } }, [UPDATE], { ...PLAYS, members: ['filmmaker', 'ott-vendor-1'] })).toEqual([]);
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

describe('step scripts', () => {
  test('every step script is shellcheck clean (sourcing common.sh)', () => {
    requireTool('shellcheck');
    const scripts = readdirSync(STEPS_DIR).filter((file) => file.endsWith('.sh'));
    expect(scripts).toEqual(expect.arrayContaining(['channel-update-compute.sh', 'channel-update-sign.sh', 'channel-update-submit.sh']));
    const result = spawnSync('shellcheck', ['-x', '--format=gcc', ...scripts], { cwd: STEPS_DIR, encoding: 'utf8' });
    expect(result.stdout).toBe('');
    expect(result.status).toBe(0);
  });

  describe('chaincode-state against a stand-in peer CLI', () => {
    // A `peer` first on PATH: queryinstalled answers per address (STUB_<port>: "empty" prints
    // nothing, "slow" answers after 1.5 s and then leaves a mark), querycommitted as STUB_COMMIT says.
    const PEER = `#!/usr/bin/env bash
port=\${CORE_PEER_ADDRESS##*:}
behaviour=$(eval echo "\\\${STUB_$port:-}")
case "$3" in
  queryinstalled)
    [ "$behaviour" = empty ] && exit 0
    if [ "$behaviour" = slow ]; then sleep 1.5; echo '{"installed_chaincodes":[]}'; touch "$STUB_MARK"; exit 0; fi
    echo "{\\"installed_chaincodes\\":[{\\"package_id\\":\\"documents_1.0:$port\\"}]}";;
  querycommitted)
    if [ "$STUB_COMMIT" = garbage ]; then echo 'WARN not json'; else echo 'Error: namespace documents is not defined' >&2; exit 1; fi;;
  checkcommitreadiness) echo '{"approvals":{"m-FILM":true}}';;
esac
`;
    let dir: string;
    let env: Record<string, string>;
    const params = (peers: string, extra: Record<string, string> = {}) => ({ CHANNEL: 'royalties', NAME: 'documents', VERSION: '1.0', SEQUENCE: '1', SIGNATURE_POLICY: "OR('m-FILM.member')", INIT_REQUIRED: 'false', PEERS: peers, ...extra });

    beforeAll(() => {
      requireTool('jq');
      dir = mkdtempSync(join(tmpdir(), 'stub-peer-'));
      writeFileSync(join(dir, 'peer'), PEER, { mode: 0o755 });
      env = { PATH: `${dir}:${process.env.PATH}`, ORDERER: '127.0.0.1:7050', CORE_PEER_TLS_ROOTCERT_FILE: '/dev/null', STUB_MARK: join(dir, 'slow-peer-done') };
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    test('puts each peer\'s packages under its own node id, in the order given', async () => {
      const state = await new LocalTransport(env).run({ step: 'chaincode-state', params: params('nd-B=b:7002 nd-A=a:7001') });
      expect(state).toEqual({ installed: { 'nd-B': ['documents_1.0:7002'], 'nd-A': ['documents_1.0:7001'] }, committed: null, approvals: { 'm-FILM': true } });
    });

    test('a peer that prints nothing fails the step by its address, rather than shift the next peer\'s packages onto it', async () => {
      await expect(new LocalTransport({ ...env, STUB_7001: 'empty' }).run({ step: 'chaincode-state', params: params('nd-A=a:7001 nd-B=b:7002') })).rejects.toThrow(
        'peer lifecycle chaincode queryinstalled on a:7001 printed nothing',
      );
    });

    test('ends only after every peer it asked, even when it fails before reading their answers', () => {
      rmSync(env.STUB_MARK, { force: true });
      const work = mkdtempSync(join(dir, 'work-'));
      // bash itself, with no pipe a left-over process could hold open: this returns when the script ends.
      const run = spawnSync('bash', [join(STEPS_DIR, 'chaincode-state.sh')], {
        cwd: work,
        env: { ...process.env, ...env, ...params('nd-A=a:7001'), STUB_7001: 'slow', STUB_COMMIT: 'garbage', RESULT_FILE: join(work, 'result.json') },
        stdio: 'ignore',
      });
      expect(run.status).not.toBe(0);
      expect(existsSync(env.STUB_MARK)).toBe(true);
    });
  });
});
