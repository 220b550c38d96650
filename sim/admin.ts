/**
 * Control routes under /_sim/, outside the AMB API: read or advance the simulated clock, change
 * fault injection, read request counts. They are never faulted and never counted as API calls.
 *
 *   GET  /_sim/health
 *   GET  /_sim/clock                       {"now": ISO time, "offsetMs": n}
 *   POST /_sim/clock   {"advanceMs": n}    moves the clock forward
 *   GET  /_sim/faults
 *   PUT  /_sim/faults  {"throttleRate", "serverErrorRate", "latencyMs", "seed"}
 *   GET  /_sim/stats                       {"requestCount", "requestsByOperation"}
 */
import type { FaultSettings } from './faults';
import { errorOfType, jsonResponse, type SimResponse } from './responses';

export const ADMIN_PREFIX = '/_sim/';

export interface AdminControls {
  now(): number;
  clockOffsetMs(): number;
  advanceClock(ms: number): void;
  faults(): FaultSettings;
  setFaults(settings: FaultSettings): void;
  requestCount(): number;
  requestsByOperation(): Record<string, number>;
}

const badRequest = (message: string): SimResponse => errorOfType(400, 'InvalidRequestException', message);

function parseBody(body: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(body || '{}');
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

export function handleAdmin(controls: AdminControls, method: string, pathname: string, body: string): SimResponse {
  const clock = (): SimResponse =>
    jsonResponse(200, { now: new Date(controls.now()).toISOString(), offsetMs: controls.clockOffsetMs() });
  const route = `${method} ${pathname.slice(ADMIN_PREFIX.length).replace(/\/+$/, '')}`;
  switch (route) {
    case 'GET health':
      return jsonResponse(200, { status: 'ok' });
    case 'GET clock':
      return clock();
    case 'POST clock': {
      const advanceMs = parseBody(body)?.advanceMs;
      if (typeof advanceMs !== 'number' || !Number.isFinite(advanceMs) || advanceMs < 0) {
        return badRequest('send {"advanceMs": <milliseconds >= 0>} to move the clock forward');
      }
      controls.advanceClock(advanceMs);
      return clock();
    }
    case 'GET faults':
      return jsonResponse(200, controls.faults());
    case 'PUT faults': {
      const settings = parseBody(body);
      if (!settings) return badRequest('send a JSON object {"throttleRate", "serverErrorRate", "latencyMs", "seed"}');
      try {
        controls.setFaults(settings as FaultSettings);
      } catch (error) {
        return badRequest((error as Error).message);
      }
      return jsonResponse(200, controls.faults());
    }
    case 'GET stats':
      return jsonResponse(200, {
        requestCount: controls.requestCount(),
        requestsByOperation: controls.requestsByOperation(),
      });
    default:
      return errorOfType(404, 'UnknownOperationException', `No simulator control route ${method} ${pathname}.`);
  }
}
