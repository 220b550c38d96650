/**
 * cdktf's token creation stacks, recorded lazily (stacks/token-stack-traces.ts): the same
 * lines as cdktf's own capture, and still in the message of a token that cannot be resolved.
 */
import { App, Lazy, TerraformOutput, TerraformStack, Testing } from 'cdktf';
import { cdktfCaptureStackTrace, deferTokenStackTraces } from '../stacks/token-stack-traces';

deferTokenStackTraces();

// Both captures on one line: the caller's frame differs in its column only.
function bothCaptures(): [string[], string[]] {
  return [cdktfCaptureStackTrace(), require('cdktf/lib/tokens/private/stack-trace').captureStackTrace()];
}

const withoutColumn = (line: string) => line.replace(/:(\d+):\d+\)$/, ':$1)');

describe('token creation stacks recorded lazily', () => {
  it('gives the same lines as cdktf, as an array', () => {
    const [eager, deferred] = bothCaptures();
    expect(Array.isArray(deferred)).toBe(true);
    expect(deferred.length).toBe(eager.length);
    expect(withoutColumn(deferred[0])).toBe(withoutColumn(eager[0]));
    expect([...deferred].slice(1)).toEqual(eager.slice(1));
    expect(deferred.join('\n').split('\n').slice(1)).toEqual(eager.slice(1));
    expect(JSON.parse(JSON.stringify(deferred)).slice(1)).toEqual(eager.slice(1));
    expect(deferred[0]).toMatch(/^bothCaptures /);
  });

  it('names where an unresolvable token was created in the synth error', () => {
    const app = Testing.app() as App;
    const stack = new TerraformStack(app, 'stack');
    const broken = (function tokenMadeHere() {
      return Lazy.stringValue({
        produce: () => {
          throw new Error('no value');
        },
      });
    })();
    new TerraformOutput(stack, 'out', { value: broken });
    expect(() => Testing.synth(stack)).toThrow(/Resolution error: no value\.\nObject creation stack:\n {2}at .*\n[\s\S]*tokenMadeHere/);
  });
});
