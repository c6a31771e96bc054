export { cacheLifetime } from './cache-control.js';
export {
  ClaimsFileInvalid,
  type ClaimsSource,
  readClaimsFile,
  staticClaimsSource,
  type VerifiedClaims,
} from './claims.js';
export {
  type DidDocument,
  type DidService,
  dataService,
  didDocument,
  didWebDocumentUrl,
  InvalidDid,
  participantDid,
} from './did.js';
export {
  type KeyHistoryEntry,
  type KeyStatus,
  keyStatus,
  publishedKeys,
  signingKeyAt,
} from './key-history.js';
export {
  type GeneratedKey,
  generateParticipantKey,
  type KeyAlgorithm,
  newNodeSecret,
  participantKeyAlgorithms,
  SealBroken,
  sealPrivateJwk,
  secretFingerprint,
  unsealPrivateJwk,
} from './keys.js';
export { isLocalOnlyHost, unreachableDidWarning } from './reachability.js';
export {
  pruneReplayGuard,
  type ReplayCheck,
  ReplayGuard,
  storedReplayGuard,
} from './replay.js';
export {
  type DidResolver,
  type DidResolverOptions,
  didWebResolver,
  type FetchedDocument,
} from './resolver.js';
export {
  importSigningKey,
  type SigningKey,
  signCounterpartyToken,
  type TokenClaims,
  type TokenDeps,
  type TokenPolicy,
  TokenRejected,
  tokenAlgorithms,
  verifyCounterpartyToken,
} from './token.js';
