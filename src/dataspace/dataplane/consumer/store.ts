import type { Kysely } from 'kysely';
import type { Tables } from '../../../store/index.js';
import type { Edr } from '../edr.js';
import { openTokens, sealTokens } from './seal.js';

/** The consumer's EDR of one transfer; tokens are sealed in the row and open only in memory. */
export interface KeptEdr extends Edr {
  readonly participantId: string;
  readonly transferId: string;
  readonly state: 'live' | 'dead';
  readonly reasonCode: string | null;
  readonly reason: string | null;
  readonly version: number;
  readonly updatedAt: string;
}

interface EdrsTable {
  participant_id: string;
  transfer_id: string;
  endpoint: string;
  refresh_endpoint: string | null;
  expires_at: string;
  tokens_sealed: string;
  state: string;
  reason_code: string | null;
  reason: string | null;
  version: number;
  updated_at: string;
}

const edrs = (db: Kysely<Tables>) => db.withTables<{ edrs: EdrsTable }>();

function toRow(e: KeptEdr, secret: string): EdrsTable {
  return {
    participant_id: e.participantId,
    transfer_id: e.transferId,
    endpoint: e.endpoint,
    refresh_endpoint: e.refreshEndpoint ?? null,
    expires_at: e.expiresAt,
    tokens_sealed: sealTokens(
      { accessToken: e.accessToken, ...(e.refreshToken ? { refreshToken: e.refreshToken } : {}) },
      secret,
    ),
    state: e.state,
    reason_code: e.reasonCode,
    reason: e.reason,
    version: e.version,
    updated_at: e.updatedAt,
  };
}

function fromRow(r: EdrsTable, secret: string): KeptEdr {
  const tokens = openTokens(r.tokens_sealed, secret);
  return {
    participantId: r.participant_id,
    transferId: r.transfer_id,
    endpoint: r.endpoint,
    accessToken: tokens.accessToken,
    ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}),
    ...(r.refresh_endpoint ? { refreshEndpoint: r.refresh_endpoint } : {}),
    expiresAt: r.expires_at,
    state: r.state === 'dead' ? 'dead' : 'live',
    reasonCode: r.reason_code,
    reason: r.reason,
    version: r.version,
    updatedAt: r.updated_at,
  };
}

export async function findEdr(
  db: Kysely<Tables>,
  participantId: string,
  transferId: string,
  secret: string,
): Promise<KeptEdr | undefined> {
  const row = await edrs(db)
    .selectFrom('edrs')
    .selectAll()
    .where('participant_id', '=', participantId)
    .where('transfer_id', '=', transferId)
    .executeTakeFirst();
  return row ? fromRow(row, secret) : undefined;
}

/** A (re)started transfer's EDR replaces whatever was kept before: a resumed transfer gets fresh tokens. */
export async function putEdr(trx: Kysely<Tables>, e: KeptEdr, secret: string): Promise<void> {
  const row = toRow(e, secret);
  const { participant_id: _p, transfer_id: _t, ...rest } = row;
  await edrs(trx)
    .insertInto('edrs')
    .values(row)
    .onConflict((oc) => oc.columns(['participant_id', 'transfer_id']).doUpdateSet(rest))
    .execute();
}

/**
 * Writes `next` over `prev` only if nobody changed it since `prev` was read (optimistic, by version): a
 * refresh another replica finished first wins, and this one reads its result instead. False when it lost.
 */
export async function replaceEdr(
  db: Kysely<Tables>,
  prev: KeptEdr,
  next: KeptEdr,
  secret: string,
): Promise<boolean> {
  const {
    participant_id: _p,
    transfer_id: _t,
    ...rest
  } = toRow({ ...next, version: prev.version + 1 }, secret);
  const res = await edrs(db)
    .updateTable('edrs')
    .set(rest)
    .where('participant_id', '=', prev.participantId)
    .where('transfer_id', '=', prev.transferId)
    .where('version', '=', prev.version)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}
