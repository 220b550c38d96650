/**
 * Jest's Node.js environment, plus `__hostRequire`: Node's own `require`, outside jest's `vm`
 * context. tests/helpers/host-transform.js hands a few pure-JavaScript arithmetic libraries to
 * it (see there for which and why); nothing else uses it.
 */
const { TestEnvironment } = require('jest-environment-node');

class HostRequireEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.global.__hostRequire = require;
  }
}

module.exports = HostRequireEnvironment;
