export { credentialAccessToken, credentialServiceRoutes } from './holder.js';
export { participantBaseUrl, participantServices } from './services.js';
export {
  type PresentedClaims,
  presentationCheck,
  presentedClaimsOf,
  statusListsOf,
  trustedIssuersOf,
} from './verifier.js';
