/**
 * The PACT host (WBCSD PACT Technical Specifications v3.0 and v2.3): OAuth client credentials, ListFootprints /
 * GetFootprint with PACT's filters and pagination, and the CloudEvents Action Events, over two ports the footprint
 * exchange implements (PactFootprints, PactEvents). Defaults keep ProductFootprints seeded via the management API.
 */
export {
  authenticateClient,
  bindCustomerDid,
  checkAccessToken,
  customerDidOf,
  customerOfDid,
  issueAccessToken,
  parseBasic,
  sourceAllowed,
} from './clients.js';
export { pactDelivery } from './delivery.js';
export { OAuthRefusal, PactRefusal } from './errors.js';
export {
  type CloudEvent,
  eventTypes,
  fulfilledEvent,
  publishedEvent,
  readEvent,
  rejectedEvent,
} from './events.js';
export {
  type ExchangeInbox,
  exchangeFootprints,
  exchangeFootprintsOf,
  exchangeNotices,
  exchangeRequests,
} from './exchange.js';
export { entitled, footprintKeys, matches, parseListQuery, validityOf } from './filters.js';
export {
  type Answer,
  answerRequest,
  answerUndeliverable,
  eventsEndpoint,
  noticePublished,
  type PactDeps,
  pactProcessType,
  storedFootprints,
  storedRequests,
} from './host.js';
export { type PactHost, pactRoutes } from './http.js';
export { pactManagementRoutes, productFootprintSchema } from './management.js';
export * from './model.js';
export type { PactEvents, PactFootprints } from './ports.js';
export { findFootprint, listFootprints, pactDb, putFootprint } from './store.js';
export { toV2 } from './v2.js';
