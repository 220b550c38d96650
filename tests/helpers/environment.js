/**
 * Jest's Node.js environment, plus two globals from outside jest's per-file `vm` context:
 * - `__hostRequire`: Node's own `require`. tests/helpers/host-transform.js hands a few
 *   pure-JavaScript arithmetic libraries to it (see there for which and why);
 * - `__workerMoto`: the worker's shared moto_server (worker-moto.ts), which test files reach
 *   through `workerMotoServer` in moto.ts.
 */
const { TestEnvironment } = require('jest-environment-node');
const workerMoto = require('./worker-moto');

class HostRequireEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.global.__hostRequire = require;
    this.global.__workerMoto = { acquire: workerMoto.acquire };
  }
}

module.exports = HostRequireEnvironment;
