export { edrOf, expiryOf, needsRefresh, noExpiry, withoutSecrets } from './address.js';
export {
  EdrDead,
  EdrNotFound,
  EdrRefreshUnavailable,
  EdrSealBroken,
  EdrTransferNotStarted,
} from './errors.js';
export { type EdrKeeper, type EdrKeeperDeps, edrKeeper } from './keeper.js';
export {
  type RefreshedTokens,
  type RefreshOutcome,
  type RefreshPost,
  refreshOutcome,
  requestRefresh,
} from './refresh.js';
export { findEdr, type KeptEdr } from './store.js';
