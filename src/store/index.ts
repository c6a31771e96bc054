export type { Asset, AssetQuery } from './assets.js';
export {
  type AuditContext,
  type AuditContextDefaults,
  type AuditEntry,
  type AuditFilter,
  type AuditListener,
  type AuditRecord,
  appendAudit,
  auditBounds,
  auditContextKey,
  auditHash,
  auditPages,
  deleteAuditBefore,
  firstBrokenLink,
  lastAuditOf,
  listAudit,
  onAuditAppended,
  setAuditContextDefaults,
  setAuditSignature,
  storedHead,
} from './audit.js';
export {
  type Database,
  type Engine,
  type OpenOptions,
  openDatabase,
  redactUrl,
  type StoreTarget,
  sqliteTargetIn,
} from './database.js';
export { StoreCorrupt, StoreUnreachable, StoreUnwritable } from './errors.js';
export {
  type ApiKeyRecord,
  findApiKeyByHash,
  findParticipant,
  insertApiKey,
  insertParticipant,
  insertParticipantKey,
  listParticipantKeys,
  listParticipants,
  type Participant,
  type ParticipantKey,
  rotateParticipantKeys,
} from './participants.js';
export {
  type AuditReceiptsTable,
  contradictingReceipts,
  countIssuedReceipts,
  heldReceiptsFor,
  insertReceipt,
  listReceipts,
  type ReceiptQuery,
  type ReceiptRecord,
} from './receipts.js';
export { type ParticipantStore, participantStore } from './scoped.js';
export type { OffersTable, PoliciesTable, Tables } from './tables.js';
