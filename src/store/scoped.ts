import type { Kysely } from 'kysely';
import {
  type Asset,
  type AssetQuery,
  deleteAsset,
  findAsset,
  insertAsset,
  listAssets,
  updateAsset,
} from './assets.js';
import { type AuditEntry, type AuditFilter, type AuditRecord, appendAudit, listAudit } from './audit.js';
import {
  type ApiKeyRecord,
  listApiKeys,
  listParticipantKeys,
  type ParticipantKey,
  revokeApiKey,
} from './participants.js';
import type { Tables } from './tables.js';

/**
 * One participant's view of the store. Every query it runs is bound to that participant, so code that holds
 * a ParticipantStore cannot read or write another participant's rows, whatever ids it is given.
 */
export interface ParticipantStore {
  readonly participantId: string;
  /** Runs `work` in one transaction; the store it receives is bound to the same participant. */
  transaction<T>(work: (tx: ParticipantStore) => Promise<T>): Promise<T>;
  audit(entry: Omit<AuditEntry, 'participantId'>, at: Date): Promise<AuditRecord>;
  auditLog(page?: AuditFilter): Promise<AuditRecord[]>;
  insertAsset(a: Asset): Promise<void>;
  findAsset(id: string): Promise<Asset | undefined>;
  updateAsset(a: Asset): Promise<boolean>;
  listAssets(page?: AssetQuery): Promise<Asset[]>;
  deleteAsset(id: string): Promise<boolean>;
  listApiKeys(): Promise<ApiKeyRecord[]>;
  revokeApiKey(id: string, at: string): Promise<boolean>;
  listKeys(): Promise<ParticipantKey[]>;
}

export function participantStore(db: Kysely<Tables>, participantId: string): ParticipantStore {
  const p = participantId;
  return {
    participantId: p,
    transaction: (work) => db.transaction().execute((trx) => work(participantStore(trx, p))),
    audit: (entry, at) => appendAudit(db, { ...entry, participantId: p }, at),
    auditLog: (page) => listAudit(db, p, page),
    insertAsset: (a) => insertAsset(db, p, a),
    findAsset: (id) => findAsset(db, p, id),
    updateAsset: (a) => updateAsset(db, p, a),
    listAssets: (page) => listAssets(db, p, page),
    deleteAsset: (id) => deleteAsset(db, p, id),
    listApiKeys: () => listApiKeys(db, p),
    revokeApiKey: (id, at) => revokeApiKey(db, p, id, at),
    listKeys: () => listParticipantKeys(db, p),
  };
}
