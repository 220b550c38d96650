/**
 * Every error AMB's API can return, as the SDK raises it, becomes an operational failure
 * (exit 1) whose message says what to do; and an unknown network.id, met for real on the
 * simulator by each command that reads the network, names the file and the fix.
 */
import {
  AccessDeniedException,
  IllegalActionException,
  InternalServiceErrorException,
  InvalidRequestException,
  ResourceAlreadyExistsException,
  ResourceLimitExceededException,
  ResourceNotFoundException,
  ResourceNotReadyException,
  ThrottlingException,
  TooManyTagsException,
} from '@aws-sdk/client-managedblockchain';
import { explainFailure, type FailureContext } from '../lib/amb-errors';
import { exitCodeOf } from '../lib/cli';
import { recordInYamlFile } from '../lib/config/record';
import { OperationalError } from '../lib/errors';
import { configureLogging } from '../scripts/configure-logging';
import { status } from '../scripts/status';
import { sync } from '../scripts/sync';
import { vote } from '../scripts/vote';
import { GovernanceSim } from './helpers/governance-sim';

const CONTEXT: FailureContext = {
  member: { name: 'bank', accountId: '444455556666' },
  region: 'us-east-1',
  network: { id: 'n-KNOWN', file: 'members/consortium.yaml', founder: 'filmmaker' },
};

const meta = (httpStatusCode: number) => ({ $metadata: { httpStatusCode, attempts: 3 } });

/** Each AMB error with the words its message must carry. */
const MAPPINGS: readonly [string, Error, RegExp][] = [
  ['AccessDenied', new AccessDeniedException({ message: 'denied', ...meta(403) }), /may not do this\. If they are bank's \(account 444455556666\), that member is not \(or no longer\) allowed to: npm run status -- --member bank shows where it stands/],
  ['InvalidRequest', new InvalidRequestException({ message: 'Name too long', ...meta(400) }), /Name too long -> AMB refused a value as invalid: fix the field or flag the message names \(npm run validate/],
  ['IllegalAction', new IllegalActionException({ message: 'already voted', ...meta(400) }), /already voted -> AMB does not allow this in the resource's current state .* npm run status -- --member bank shows the state/],
  ['ResourceNotFound (network.id)', new ResourceNotFoundException({ message: 'Network n-KNOWN not found in us-east-1.', ...meta(404) }), /network n-KNOWN \(network\.id in members\/consortium\.yaml\) does not exist in us-east-1: check the id and network\.region; remove network\.id and run npm run sync -- --member filmmaker/],
  ['ResourceNotFound (other id)', new ResourceNotFoundException({ message: 'Member m-GONE not found.', ...meta(404) }), /an id recorded in members\/ .* names something AMB does not have in us-east-1: check it against npm run status -- --member bank/],
  ['ResourceAlreadyExists', new ResourceAlreadyExistsException({ message: 'exists', ...meta(409) }), /exists already, most likely from an earlier run: record it with npm run sync -- --member bank/],
  ['ResourceNotReady', new ResourceNotReadyException({ message: 'CREATING', ...meta(409) }), /still being created or updated: wait with npm run status -- --member bank --wait, then re-run/],
  ['ResourceLimitExceeded', new ResourceLimitExceededException({ message: 'limit', ...meta(429) }), /an AMB limit is reached .* Service Quotas/],
  ['TooManyTags', new TooManyTagsException({ message: 'tags', ResourceName: 'm-1', ...meta(400) }), /more tags than AMB allows \(50\): remove some from tags/],
  ['Throttling', new ThrottlingException({ message: 'slow down', ...meta(429) }), /AMB kept throttling after 3 attempts \(slow down\); wait a minute and re-run/],
  ['InternalServiceError', new InternalServiceErrorException({ message: 'boom', ...meta(500) }), /AMB failed after 3 attempts .*; re-run later \(the command is safe to re-run\)/],
];

describe('explainFailure', () => {
  it.each(MAPPINGS)('maps %s to an operational failure that says what to do', (_name, error, advice) => {
    const explained = explainFailure(error, CONTEXT);
    expect(explained).toBeInstanceOf(OperationalError);
    expect(exitCodeOf(explained)).toBe(1);
    expect((explained as Error).message).toMatch(advice);
  });
});

describe('explainFailure for a service other than AMB', () => {
  const LAMBDA: FailureContext = {
    ...CONTEXT,
    env: {},
    service: { name: 'Lambda', endpointVariable: 'AWS_ENDPOINT_URL_LAMBDA', permission: 'lambda:InvokeFunction on bank-identities' },
  };
  const sdkError = (name: string, message: string, extra: object) => Object.assign(new Error(message), { name, ...extra });

  it.each([
    ['AccessDenied', sdkError('AccessDeniedException', 'not authorized', meta(403)), /^Lambda refused the call \(AccessDeniedException: not authorized\): the credentials of bank \(account 444455556666\) need lambda:InvokeFunction on bank-identities; re-run/],
    ['Throttling', sdkError('TooManyRequestsException', 'Rate exceeded', meta(429)), /^Lambda kept throttling after 3 attempts \(Rate exceeded\); wait a minute and re-run/],
    ['ServiceException', sdkError('ServiceException', 'internal', meta(500)), /^Lambda failed after 3 attempts \(ServiceException: internal\); re-run later/],
    ['a refused request', sdkError('InvalidParameterValueException', 'bad payload', meta(400)), /^Lambda: InvalidParameterValueException: bad payload -> re-run once the cause is fixed$/],
  ])('names Lambda, not AMB, and what the call needs: %s', (_name, error, advice) => {
    const explained = explainFailure(error, LAMBDA);
    expect(explained).toBeInstanceOf(OperationalError);
    expect((explained as Error).message).toMatch(advice);
    expect((explained as Error).message).not.toMatch(/AMB|managedblockchain/);
  });

  it("names the service's own endpoint variable when it cannot reach it, then AWS_ENDPOINT_URL, then the region", () => {
    const refused = () => sdkError('Error', 'connect ECONNREFUSED', { code: 'ECONNREFUSED', $metadata: { attempts: 1 } });
    const message = (env: NodeJS.ProcessEnv) => (explainFailure(refused(), { ...LAMBDA, env }) as Error).message;
    expect(message({ AWS_ENDPOINT_URL_LAMBDA: 'http://127.0.0.1:9001', AWS_ENDPOINT_URL: 'http://127.0.0.1:9002' })).toMatch(/^cannot reach http:\/\/127\.0\.0\.1:9001 \(from AWS_ENDPOINT_URL_LAMBDA; is it running\?\): ECONNREFUSED after 1 attempt;/);
    expect(message({ AWS_ENDPOINT_URL: 'http://127.0.0.1:9002' })).toMatch(/^cannot reach http:\/\/127\.0\.0\.1:9002 \(from AWS_ENDPOINT_URL; is it running\?\)/);
    expect(message({})).toMatch(/^cannot reach the Lambda endpoint of us-east-1: ECONNREFUSED/);
  });
});

describe('an unknown network.id, on the simulator', () => {
  let harness: GovernanceSim;
  beforeAll(async () => {
    harness = await GovernanceSim.start();
    await harness.foundNetwork();
    recordInYamlFile(`${harness.workspace}/filmmaker.yaml`, [{ path: ['ledger'], value: undefined }]);
    recordInYamlFile(`${harness.workspace}/consortium.yaml`, [
      { path: ['network', 'id'], value: 'n-DOESNOTEXIST' },
      { path: ['ledger'], value: undefined },
    ]);
  });
  afterAll(() => harness.stop());

  it.each([
    ['status', status],
    ['vote', vote],
    ['sync', sync],
    ['configure-logging', configureLogging],
  ] as const)('%s names network.id, its file and the fix', async (_name, command) => {
    const run = await harness.run(command as Parameters<GovernanceSim['run']>[0], 'filmmaker');
    expect(run.exitCode).toBe(1);
    expect(run.error!.message).toMatch(/network n-DOESNOTEXIST \(network\.id in .*consortium\.yaml\) (was not found|does not exist) in us-east-1: check the id/);
  });
});
