import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Tables } from '../../store/index.js';
import { edrProperty } from './edr.js';
import { tokenRefused } from './errors.js';

/**
 * The provider's pull tokens: opaque random strings, stored only as sha256, each bound to a participant,
 * transfer, agreement, consumer and asset. An access token lives minutes; its refresh token lives longer and
 * is good for one rotation, which retires both (a replayed refresh token then revokes the transfer's live
 * tokens: someone else holds a copy, RFC 9700 §4.14.2).
 */
export interface TokenBinding {
  readonly participantId: string;
  readonly transferId: string;
  readonly agreementId: string;
  readonly consumerId: string;
  readonly assetId: string;
}

export interface TokenLifetimes {
  readonly accessTtlS: number;
  readonly refreshTtlS: number;
}

export interface IssuedTokens {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly expiresInS: number;
  readonly generation: number;
}

/** A live access token's binding, as the data plane checks it. */
export type AccessGrant = TokenBinding & { readonly generation: number; readonly expiresAt: string };

export const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');
const newToken = () => randomBytes(32).toString('base64url');
const plus = (at: Date, s: number) => new Date(at.getTime() + s * 1000).toISOString();

async function insertPair(
  trx: Kysely<Tables>,
  b: TokenBinding,
  generation: number,
  at: Date,
  ttl: TokenLifetimes,
): Promise<IssuedTokens> {
  const accessToken = newToken();
  const refreshToken = newToken();
  const common = {
    participant_id: b.participantId,
    transfer_id: b.transferId,
    agreement_id: b.agreementId,
    consumer_id: b.consumerId,
    asset_id: b.assetId,
    generation,
    revoked_at: null,
    revoked_reason: null,
    created_at: at.toISOString(),
  };
  await trx
    .insertInto('dataplane_tokens')
    .values([
      { ...common, hash: tokenHash(accessToken), kind: 'access', expires_at: plus(at, ttl.accessTtlS) },
      { ...common, hash: tokenHash(refreshToken), kind: 'refresh', expires_at: plus(at, ttl.refreshTtlS) },
    ])
    .execute();
  return { accessToken, refreshToken, expiresInS: ttl.accessTtlS, generation };
}

/**
 * Stops every live token of a transfer at once (suspension, termination, completion, the policy monitor).
 * Returns how many stopped. Run it in the transaction that changes the transfer's state.
 */
export async function revokeTransferTokens(
  db: Kysely<Tables>,
  r: {
    readonly transferId: string;
    readonly participantId?: string;
    readonly reason: string;
    readonly at: Date;
  },
): Promise<number> {
  let q = db
    .updateTable('dataplane_tokens')
    .set({ revoked_at: r.at.toISOString(), revoked_reason: r.reason })
    .where('transfer_id', '=', r.transferId)
    .where('revoked_at', 'is', null);
  if (r.participantId !== undefined) q = q.where('participant_id', '=', r.participantId);
  const res = await q.executeTakeFirst();
  return Number(res.numUpdatedRows);
}

/**
 * A fresh access + refresh pair for a transfer (its start, or a restart after suspension); tokens still live
 * from an earlier start stop working. The asset is the agreement's.
 */
export async function issueTokens(
  trx: Kysely<Tables>,
  b: Omit<TokenBinding, 'assetId'>,
  at: Date,
  ttl: TokenLifetimes,
): Promise<IssuedTokens> {
  const agreement = await trx
    .selectFrom('agreements')
    .select('asset_id')
    .where('participant_id', '=', b.participantId)
    .where('id', '=', b.agreementId)
    .executeTakeFirst();
  await revokeTransferTokens(trx, { ...b, reason: 'reissued', at });
  const last = await trx
    .selectFrom('dataplane_tokens')
    .select((eb) => eb.fn.max('generation').as('g'))
    .where('participant_id', '=', b.participantId)
    .where('transfer_id', '=', b.transferId)
    .executeTakeFirst();
  const generation = Number(last?.g ?? 0) + 1;
  return insertPair(trx, { ...b, assetId: agreement?.asset_id ?? '' }, generation, at, ttl);
}

/** The endpoint properties of a pull DataAddress carrying these tokens (see edr.ts). */
export function edrProperties(t: IssuedTokens, refreshEndpoint: string): { name: string; value: string }[] {
  return [
    { name: edrProperty.authorization, value: t.accessToken },
    { name: edrProperty.authType, value: 'bearer' },
    { name: edrProperty.expiresIn, value: String(t.expiresInS) },
    { name: edrProperty.refreshToken, value: t.refreshToken },
    { name: edrProperty.refreshEndpoint, value: refreshEndpoint },
  ];
}

type TokenRow = Tables['dataplane_tokens'];

const bindingOf = (r: TokenRow): AccessGrant => ({
  participantId: r.participant_id,
  transferId: r.transfer_id,
  agreementId: r.agreement_id,
  consumerId: r.consumer_id,
  assetId: r.asset_id,
  generation: r.generation,
  expiresAt: r.expires_at,
});

async function rowOf(db: Kysely<Tables>, token: string, kind: string): Promise<TokenRow | undefined> {
  const row = await db
    .selectFrom('dataplane_tokens')
    .selectAll()
    .where('hash', '=', tokenHash(token))
    .executeTakeFirst();
  return row?.kind === kind ? row : undefined;
}

/** Why a stored token no longer works: rotated and expired ones need a new token (401), revoked ones end (403). */
function refusalOf(row: TokenRow, at: Date) {
  if (row.revoked_reason === 'rotated' || row.revoked_reason === 'reissued')
    return tokenRefused('token.rotated', 'unauthenticated', 'the token was replaced by a newer one');
  if (row.revoked_at !== null)
    return tokenRefused('token.revoked', 'forbidden', `the token was revoked (${row.revoked_reason ?? ''})`);
  if (row.expires_at <= at.toISOString())
    return tokenRefused('token.expired', 'unauthenticated', 'the token has expired');
  return undefined;
}

/**
 * The grant of a presented access token for `participantId`'s transfer `transferId`, or a refusal:
 * unknown/expired/rotated → unauthenticated; revoked, or another participant's or transfer's → forbidden.
 */
export async function checkAccessToken(
  db: Kysely<Tables>,
  token: string,
  at: Date,
  target: { readonly participantId: string; readonly transferId: string },
): Promise<AccessGrant> {
  const row = await rowOf(db, token, 'access');
  if (!row) throw tokenRefused('token.unknown', 'unauthenticated', 'the token is not known');
  if (row.participant_id !== target.participantId || row.transfer_id !== target.transferId)
    throw tokenRefused('token.foreign', 'forbidden', 'the token was issued for another transfer');
  const refused = refusalOf(row, at);
  if (refused) throw refused;
  return bindingOf(row);
}

/** RFC 6749 §5.2 error of a refused refresh. */
export class RefreshRefused extends Error {
  constructor(
    readonly error: 'invalid_request' | 'invalid_grant' | 'unsupported_grant_type',
    readonly description: string,
  ) {
    super(description);
  }
}

/**
 * Rotates a refresh token into a new pair while `isStarted` says the transfer runs. The old access and refresh
 * tokens stop at once. A refresh token presented again after its rotation revokes the transfer's live tokens.
 */
export async function refreshTokens(
  db: Kysely<Tables>,
  refreshToken: string,
  participantId: string,
  at: Date,
  ttl: TokenLifetimes,
  isStarted: (trx: Kysely<Tables>, b: TokenBinding) => Promise<boolean>,
): Promise<IssuedTokens> {
  const outcome = await db.transaction().execute(async (trx) => {
    const row = await rowOf(trx, refreshToken, 'refresh');
    if (!row || row.participant_id !== participantId)
      throw new RefreshRefused('invalid_grant', 'unknown refresh token');
    if (row.revoked_reason === 'rotated') {
      // Committed before the refusal: a throw here would roll the revocation back.
      await revokeTransferTokens(trx, {
        transferId: row.transfer_id,
        participantId,
        reason: 'refresh-replayed',
        at,
      });
      return 'replayed' as const;
    }
    if (row.revoked_at !== null) throw new RefreshRefused('invalid_grant', 'the refresh token was revoked');
    if (row.expires_at <= at.toISOString())
      throw new RefreshRefused('invalid_grant', 'the refresh token expired');
    const b = bindingOf(row);
    if (!(await isStarted(trx, b))) throw new RefreshRefused('invalid_grant', 'the transfer is not started');
    // Retire this generation; the row count guards two concurrent refreshes of one token.
    const retired = await trx
      .updateTable('dataplane_tokens')
      .set({ revoked_at: at.toISOString(), revoked_reason: 'rotated' })
      .where('participant_id', '=', participantId)
      .where('transfer_id', '=', b.transferId)
      .where('generation', '=', b.generation)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(retired.numUpdatedRows) === 0)
      throw new RefreshRefused('invalid_grant', 'the refresh token was already used');
    return insertPair(trx, b, b.generation + 1, at, ttl);
  });
  if (outcome === 'replayed') throw new RefreshRefused('invalid_grant', 'the refresh token was already used');
  return outcome;
}
