export {
  grantedTypes,
  scopeForType,
  signAccessToken,
  typeOfScope,
  verifyAccessToken,
} from './access-token.js';
export { claimsFromCredentials } from './claims.js';
export { type CredentialReason, CredentialRefused } from './errors.js';
export { type DidLookup, verificationKey } from './keys.js';
export {
  type CredentialMessage,
  type CredentialRequestMessage,
  credentialMessage,
  credentialObjectId,
  credentialRequest,
  credentialStatus,
  dcpContext,
  issuerMetadata,
  type PresentationQueryMessage,
  type PresentationResponseMessage,
  presentationQuery,
  presentationResponse,
  queryScopes,
  requestedCredentials,
  responsePresentations,
  typeOfCredentialObject,
} from './messages.js';
export { type PresentationExpectation, signPresentation, verifyPresentation } from './presentation.js';
export {
  type FetchedStatusList,
  maxAgeOf,
  type StatusListLookup,
  statusListCache,
} from './status-cache.js';
export {
  decodeStatusList,
  emptyStatusList,
  encodeStatusList,
  minimumEntries,
  type StatusBits,
  statusBit,
  withStatusBit,
} from './status-list.js';
export {
  type CredentialInput,
  type CredentialProfile,
  issueCredential,
  issueCredentialV11,
  issueStatusListCredential,
  type StatusEntry,
  vc1Context,
  vc2Context,
} from './vc.js';
export {
  type CredentialCheckDeps,
  checkStanding,
  readCredential,
  type TrustedIssuers,
  type VerifiedCredential,
  verifyCredential,
} from './verify.js';
