export {
  ClaimsFileInvalid,
  type ClaimsSource,
  readClaimsFile,
  staticClaimsSource,
  type VerifiedClaims,
} from './claims.js';
export { type DidDocument, didDocument, participantDid } from './did.js';
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
