/**
 * The Ouranos-compatible API (ウラノス・エコシステム データ連携基盤 API v3): operators hosted by a participant,
 * their plants, parts, structures, trade requests and CFP records, with totals and answers computed by the
 * footprint app. See README.md.
 */
export { addApiKey, addOperator, type NewOperator } from './accounts.js';
export {
  answerForTrade,
  type OuranosTradeBridge,
  ouranosBridgeOf,
  receiveTradeRequest,
  setOuranosBridge,
} from './bridge.js';
export { OuranosError } from './errors.js';
export { ouranosManagementRoutes } from './management.js';
export * from './model.js';
export { type OuranosDeps, ouranosScope } from './routes.js';
