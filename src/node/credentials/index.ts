export { credentialAccessToken, credentialServiceRoutes } from './holder.js';
export { type PresentedClaims, presentedClaimsOf } from './presented.js';
export { dcpActive, presentationGate, rememberDcpCaller } from './required.js';
export { participantBaseUrl, participantServices } from './services.js';
export {
  type PresentationNeed,
  presentationCheck,
  statusListsOf,
  trustedIssuersOf,
} from './verifier.js';
