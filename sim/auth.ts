/**
 * Who is calling, from where. Signatures are not checked: the simulator only reads the SigV4
 * credential scope (Credential=AKID/DATE/REGION/SERVICE/aws4_request). A 12-digit access key
 * id stands for that account, which is how tests and rehearsals play several members' accounts
 * against one endpoint; any other key is the default account.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Caller } from './operations';

const DEFAULT_ACCOUNT = '000000000000';
const DEFAULT_REGION = 'us-east-1';

const CREDENTIAL = /Credential=([^/,\s]+)\/[^/]*\/([^/]+)\//;
const ACCOUNT_ID = /^\d{12}$/;

export function callerFrom(headers: IncomingHttpHeaders): Caller {
  const match = CREDENTIAL.exec(headers.authorization ?? '');
  if (!match) return { account: DEFAULT_ACCOUNT, region: DEFAULT_REGION };
  return { account: ACCOUNT_ID.test(match[1]) ? match[1] : DEFAULT_ACCOUNT, region: match[2] };
}
