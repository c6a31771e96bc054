export { type Authorized, authorize, isStartedPull, permitAll } from './access.js';
export {
  BackgroundDigests,
  type DigestOutcome,
  digestVerdict,
  settlesInMs,
} from './background-digest.js';
export { DigestCache, type FileIdentity } from './digest-cache.js';
export {
  type AccessDecision,
  type AccessHook,
  type AccessRequest,
  type Edr,
  edrProperty,
} from './edr.js';
export {
  DataPlaneError,
  isDataPlaneError,
  LimitReached,
  RangeNotSatisfiable,
  type Refusal,
  sourceFailed,
} from './errors.js';
export { type FileSource, fileSource, type OpenFile } from './file.js';
export { type HashedRead, type HashFile, workerHasher } from './hash-worker.js';
export { httpDataSource, type SecretLookup, type StreamFetch } from './http.js';
export { AgreementLimits, currentWindow, type LimitSettings, takeRequest } from './limits.js';
export { type ByteRange, parseRange, rangeHeader, spanOf } from './range.js';
export {
  type DataSource,
  type SourceAddress,
  SourceRegistry,
  type SourceRequest,
  type SourceResponse,
  type WholeFileRead,
} from './source.js';
export {
  type AccessGrant,
  checkAccessToken,
  edrProperties,
  type IssuedTokens,
  issueTokens,
  RefreshRefused,
  refreshTokens,
  revokeTransferTokens,
  type TokenBinding,
  type TokenLifetimes,
  tokenHash,
} from './tokens.js';
