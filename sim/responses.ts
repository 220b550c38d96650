/**
 * HTTP responses as AMB sends them: JSON bodies, a request id, and for errors the type in the
 * x-amzn-ErrorType header with the text in the body's `message`, which is where the SDK, the
 * CLI and boto3 all look.
 */
import { randomUUID } from 'node:crypto';
import type { AmbError } from './errors';

export interface SimResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export function jsonResponse(status: number, payload: unknown, headers: Record<string, string> = {}): SimResponse {
  return {
    status,
    headers: { 'Content-Type': 'application/json', 'x-amzn-RequestId': randomUUID(), ...headers },
    body: JSON.stringify(payload),
  };
}

export function errorResponse(error: AmbError): SimResponse {
  return errorOfType(error.status, error.type, error.message, error.resourceName);
}

/** Also used for errors outside the service model, such as a path no operation serves. */
export function errorOfType(status: number, type: string, message: string, resourceName?: string): SimResponse {
  return jsonResponse(status, { message, ...(resourceName ? { ResourceName: resourceName } : {}) }, {
    'x-amzn-ErrorType': type,
  });
}
