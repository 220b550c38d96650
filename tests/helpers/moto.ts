/** moto_server for tests: the same launcher the rehearsal uses. */
export { startMotoServer, type MotoServer } from '../../sim/moto';
