/**
 * A jest transform that loads a module with Node's own `require` (through the test
 * environment's `__hostRequire`, tests/helpers/environment.js) instead of compiling it into
 * jest's `vm` context: the file's code is replaced by one line that exports what the host
 * loads from the same absolute path, so every copy and version stays the one it resolves to.
 *
 * Why: inside a `vm` context every read of a global such as `Math` goes through the context's
 * property interceptor and cannot be optimized. Big-number arithmetic reads `Math.imul` or
 * `Math.floor` in its innermost loops and runs 25 to 90 times slower there (bn.js under
 * elliptic's ECDSA: 1.9 ms per P-256 signature in Node, 172 ms in a jest worker; jsrsasign's
 * BigInteger likewise). These libraries are pure functions over their arguments: the code under
 * test is the same, only where it is compiled differs. jest.config.js names the files.
 */
const { createHash } = require('node:crypto');

module.exports = {
  process(_source, filename) {
    return { code: `module.exports = globalThis.__hostRequire(${JSON.stringify(filename)});\n` };
  },
  getCacheKey(source, filename) {
    return createHash('sha256').update('host-transform 1\0').update(filename).update('\0').update(source).digest('hex');
  },
};
