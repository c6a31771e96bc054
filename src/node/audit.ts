import type { JWK } from 'jose';
import type { Kysely } from 'kysely';
import {
  type ChainReport,
  checkpointAction,
  checkpointVerifier,
  type ReceiptClaims,
  ReceiptRejected,
  receiptFinding,
  signCheckpoint,
  verifyChain,
  verifyReceipt,
} from '../dataspace/audit/index.js';
import { signingKeyAt } from '../dataspace/identity/index.js';
import { Conflict, InvalidInput, NotFound } from '../errors/index.js';
import {
  type AuditRecord,
  appendAudit,
  auditPages,
  contradictingReceipts,
  countIssuedReceipts,
  deleteAuditBefore,
  findParticipant,
  lastAuditOf,
  listParticipantKeys,
  setAuditSignature,
  type Tables,
} from '../store/index.js';
import { historyEntry, type ParticipantDeps, privateKeyOf } from './participants.js';

/** Every public key the participant ever held, by kid, so checkpoints from before a rotation verify. */
async function storedKeys(
  db: Kysely<Tables>,
  participantId: string,
): Promise<(kid: string) => Promise<JWK | undefined>> {
  const keys = await listParticipantKeys(db, participantId);
  const byKid = new Map(keys.map((k) => [k.kid, JSON.parse(k.public_jwk) as JWK]));
  return async (kid) => byKid.get(kid);
}

/** A receipt as the chain check reads it. */
const anchored = (r: { head_seq: number; head_hash: string; audience: string; at: string }) => ({
  seq: r.head_seq,
  hash: r.head_hash,
  audience: r.audience,
  at: r.at,
});

/**
 * Walks the participant's chain in the store: hashes, links, positions and checkpoint signatures; then every
 * receipt it issued (and any the counterparty handed the auditor, `receipts`, as JWS): a receipt naming an
 * entry past the head shows the tail was cut, even after the last checkpoint.
 */
export async function verifyStoredAudit(
  db: Kysely<Tables>,
  participantId: string,
  options: { readonly receipts?: readonly string[] } = {},
): Promise<ChainReport> {
  if (!(await findParticipant(db, participantId))) throw new NotFound('participant', participantId);
  const keyFor = await storedKeys(db, participantId);
  const report = await verifyChain(auditPages(db, participantId), checkpointVerifier(keyFor));
  const given = options.receipts ?? [];
  const counted = { ...report, receipts: (await countIssuedReceipts(db, participantId)) + given.length };
  if (!report.intact) return counted;
  const chain = {
    ...(report.firstSeq !== undefined ? { firstSeq: report.firstSeq } : {}),
    ...(report.head ? { headSeq: report.head.seq } : {}),
  };
  const [stored] = await contradictingReceipts(db, participantId, report.firstSeq ?? 1);
  let finding = stored ? receiptFinding(anchored(stored), chain, stored.stored_hash ?? undefined) : undefined;
  for (const jws of given) {
    if (finding) break;
    let claims: ReceiptClaims;
    try {
      // Only this participant's keys sign its receipts; the kid is `<did>#<key id>`.
      claims = await verifyReceipt(jws, (kid) => keyFor(kid.slice(kid.lastIndexOf('#') + 1)));
    } catch (e) {
      if (!(e instanceof ReceiptRejected)) throw e;
      throw new InvalidInput('audit.receipt-invalid', `a receipt given does not hold: ${e.message}`);
    }
    const entry = await entryAt(db, participantId, claims.head.seq);
    const r = {
      seq: claims.head.seq,
      hash: claims.head.hash,
      audience: claims.aud,
      at: new Date(claims.iat * 1000).toISOString(),
    };
    finding = receiptFinding(r, chain, entry?.hash);
  }
  return finding ? { ...counted, intact: false, firstBad: finding } : counted;
}

async function entryAt(db: Kysely<Tables>, participantId: string, seq: number) {
  return db
    .selectFrom('audit_log')
    .select('hash')
    .where('participant_id', '=', participantId)
    .where('seq', '=', seq)
    .executeTakeFirst();
}

/**
 * Appends a checkpoint entry and signs its hash with the participant's EdDSA key, in one transaction. The
 * entry's prev_hash is the chain head it vouches for.
 */
export async function writeCheckpoint(
  deps: Pick<ParticipantDeps, 'db' | 'nodeSecret' | 'keyStorage' | 'storeDir' | 'now'>,
  participantId: string,
  via: string,
): Promise<AuditRecord> {
  // The key that signs now: after a rotation, a published key still waiting to activate is not it yet.
  const keys = (await listParticipantKeys(deps.db, participantId)).map(historyEntry);
  const key = signingKeyAt(keys, 'EdDSA', deps.now());
  if (!key) throw new NotFound('signing key of participant', participantId);
  const privateJwk = await privateKeyOf(deps as ParticipantDeps, participantId, key.kid);
  return deps.db.transaction().execute(async (trx) => {
    const record = await appendAudit(
      trx,
      {
        participantId,
        actor: 'system',
        action: checkpointAction,
        resourceType: 'audit-log',
        resourceId: participantId,
        via,
        outcome: 'success',
        details: { kid: key.kid },
      },
      deps.now(),
    );
    const signature = await signCheckpoint(record, { kid: key.kid, alg: key.alg, privateJwk });
    await setAuditSignature(trx, participantId, record.seq, signature);
    return { ...record, signature };
  });
}

export class NothingToPrune extends Conflict {
  constructor(before: string) {
    super('audit.nothing-to-prune', `no signed checkpoint at or before ${before} to re-anchor the chain on`, {
      before,
    });
  }
}

/**
 * Retention: drops every entry before the newest checkpoint written at or before `before`. That checkpoint
 * becomes the chain's first entry — its signature vouches for everything it followed — so verify still
 * passes. The chain is verified first: pruning never hides a break.
 */
export async function pruneAudit(
  db: Kysely<Tables>,
  participantId: string,
  before: Date,
): Promise<{ removed: number; anchor: number }> {
  const report = await verifyStoredAudit(db, participantId);
  if (!report.intact) throw new Conflict('audit.chain-broken', `not pruning: ${report.firstBad?.message}`);
  const anchor = await lastAuditOf(db, participantId, checkpointAction, before.toISOString());
  if (!anchor) throw new NothingToPrune(before.toISOString());
  return { removed: await deleteAuditBefore(db, participantId, anchor.seq), anchor: anchor.seq };
}
