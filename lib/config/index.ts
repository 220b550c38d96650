export { consortiumDir, loadConsortium, memberFiles, CONSORTIUM_FILE } from './load';
export { ConfigError, formatIssue, type ConfigIssue } from './issues';
export type * from './types';
