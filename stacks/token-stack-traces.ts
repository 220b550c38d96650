/**
 * cdktf records where every token (a reference such as `bucket.arn`, a lazy value, a complex
 * attribute) was created, as a string[] stack trace, and reads it only for an error message
 * about a token it cannot resolve. It formats the trace at once: V8 builds the text of every
 * frame and cdktf splits it, for tens of thousands of tokens a synth makes (about 0.4 s of a
 * 14-member synth). Here the frames are captured exactly as before, but turned into text only
 * when something reads the trace; the lines are the same ones cdktf would have kept.
 */
import type * as StackTraceModule from 'cdktf/lib/tokens/private/stack-trace';

type CaptureStackTrace = (below?: Function) => string[];

const stackTraceModule = require('cdktf/lib/tokens/private/stack-trace') as typeof StackTraceModule & { captureStackTrace: CaptureStackTrace };
const eagerCapture: CaptureStackTrace = stackTraceModule.captureStackTrace;

/** Array operations on the trace read the lines, built from the frames on first use. */
function deferredLines(lines: () => string[]): string[] {
  return new Proxy([] as string[], {
    get: (_target, property) => {
      const materialised = lines();
      const value = Reflect.get(materialised, property, materialised);
      return typeof value === 'function' ? value.bind(materialised) : value;
    },
    has: (_target, property) => Reflect.has(lines(), property),
    ownKeys: () => Reflect.ownKeys(lines()),
    getOwnPropertyDescriptor: (_target, property) => Reflect.getOwnPropertyDescriptor(lines(), property),
    set: (_target, property, value) => Reflect.set(lines(), property, value),
  });
}

/**
 * cdktf's captureStackTrace (cdktf 0.21 lib/tokens/private/stack-trace.js) with the
 * formatting deferred: the same frames (all of them, below `below`), the same `at`-less lines.
 */
function deferredCapture(below?: Function): string[] {
  const from = below ?? deferredCapture;
  const holder: { stack?: string } = {};
  const previousLimit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = Number.MAX_SAFE_INTEGER;
    Error.captureStackTrace(holder, from);
  } finally {
    Error.stackTraceLimit = previousLimit;
  }
  let lines: string[] | undefined;
  return deferredLines(() => {
    lines ??= holder.stack ? holder.stack.split('\n').slice(1).map((line) => line.replace(/^\s*at\s+/, '')) : [];
    return lines;
  });
}

/** Makes every token created from now on in this process record its trace lazily; idempotent. */
export function deferTokenStackTraces(): void {
  stackTraceModule.captureStackTrace = deferredCapture;
}

/** cdktf's own capture, for a comparison in tests. */
export const cdktfCaptureStackTrace: CaptureStackTrace = eagerCapture;
