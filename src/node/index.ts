export {
  type Config,
  ConfigError,
  type ConfigKey,
  type ConfigSource,
  configSchema,
  describeConfig,
  envName,
  type LoadedConfig,
  loadConfig,
} from './config.js';
export type { NodeContext } from './context.js';
export { createLogger, type Logger, redactedPaths } from './logger.js';
export { openNodeStore, storeTarget } from './open.js';
export {
  authenticateApiKey,
  createParticipant,
  type IssuedApiKey,
  issueApiKey,
  isValidCorporateNumber,
  type NewParticipant,
  type ParticipantDeps,
  privateKeyOf,
  type RotatedKeys,
  rotateParticipantKey,
} from './participants.js';
export { resolveNodeSecret } from './secret.js';
export { buildServer } from './server.js';
export { type RunningNode, startNode } from './start.js';
export { type NodeTls, prepareTls, TlsFileInvalid, TlsUnavailable } from './tls/index.js';
export { packageVersion } from './version.js';
