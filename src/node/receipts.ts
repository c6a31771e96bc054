import { createHash, randomUUID } from 'node:crypto';
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { JWK } from 'jose';
import {
  type ReceiptClaims,
  type ReceiptEvent,
  ReceiptRejected,
  signReceipt,
  verifyReceipt,
} from '../dataspace/audit/index.js';
import { didWebDocumentUrl } from '../dataspace/identity/index.js';
import { InvalidInput } from '../errors/index.js';
import { appendAudit, insertReceipt, storedHead } from '../store/index.js';
import { plainHttpEnabled } from './config.js';
import type { NodeContext } from './context.js';
import { dspAuthHeaders, nodeDidResolver, ownDids } from './counterparty.js';
import { addressedParticipant, type ScopeRoutes } from './scopes/protocol.js';
import { signerOf } from './signing.js';

/**
 * Audit receipts: after each protocol message and data transfer, the sender hands the counterparty a receipt
 * anchoring its own chain head and gets one back anchoring the counterparty's. Each side keeps both. A receipt
 * is evidence about its issuer only; it says nothing of what the issuer's own suppliers or customers did.
 */

export const sha256Hex = (s: string) => createHash('sha256').update(s).digest('hex');

/** Where a counterparty takes receipts: beside its DID document (`…/p/<id>/audit/receipts`). */
export function receiptsUrl(ctx: NodeContext, did: string): URL {
  const scheme = plainHttpEnabled(ctx.config) ? 'http' : 'https';
  const url = didWebDocumentUrl(did, scheme);
  url.pathname = url.pathname.replace(/(\/\.well-known)?\/did\.json$/, '/audit/receipts');
  return url;
}

/** Signs a receipt anchoring the participant's current chain head and keeps a copy as issued. */
export async function issueReceipt(
  ctx: NodeContext,
  participantId: string,
  audience: string,
  event: ReceiptEvent,
): Promise<string | undefined> {
  const head = await storedHead(ctx.db, participantId);
  if (!head) return undefined;
  const signer = await signerOf(ctx, participantId);
  const at = ctx.now();
  const claims: ReceiptClaims = {
    jti: randomUUID(),
    iss: signer.did,
    aud: audience,
    iat: Math.floor(at.getTime() / 1000),
    head: { seq: head.seq, hash: head.hash },
    event,
  };
  const jws = await signReceipt(claims, signer);
  await insertReceipt(ctx.db, recordOf(participantId, 'issued', claims, jws, at));
  return jws;
}

function recordOf(participantId: string, role: 'issued' | 'held', c: ReceiptClaims, jws: string, at: Date) {
  return {
    participant_id: participantId,
    id: c.jti,
    role,
    issuer: c.iss,
    audience: c.aud,
    head_seq: c.head.seq,
    head_hash: c.head.hash,
    event_kind: c.event.kind,
    process_id: c.event.process ?? null,
    event_type: c.event.type ?? null,
    digest: c.event.digest ?? null,
    jws,
    at: at.toISOString(),
  };
}

/** The issuer's public key for `kid`, from its DID document (refetched once when the kid is new). */
function didKeys(ctx: NodeContext) {
  const resolve = nodeDidResolver(ctx);
  return async (kid: string, iss: string): Promise<JWK | undefined> => {
    if (!kid.startsWith(`${iss}#`)) return undefined;
    for (const fresh of [false, true]) {
      const doc = await resolve(iss, fresh);
      const method = doc.verificationMethod.find((m) => m.id === kid);
      if (method?.publicKeyJwk) return method.publicKeyJwk as JWK;
    }
    return undefined;
  };
}

/** Verifies a counterparty's receipt (signed by `issuer`, addressed to this participant) and keeps it as held. */
export async function keepReceipt(
  ctx: NodeContext,
  participantId: string,
  jws: string,
  issuer: string,
): Promise<ReceiptClaims> {
  const claims = await verifyReceipt(jws, didKeys(ctx));
  if (claims.iss !== issuer)
    throw new ReceiptRejected(`the receipt is signed by ${claims.iss}, not ${issuer}`);
  if (!ownDids(ctx, participantId).includes(claims.aud)) {
    throw new ReceiptRejected(`the receipt is addressed to ${claims.aud}`);
  }
  await insertReceipt(ctx.db, recordOf(participantId, 'held', claims, jws, ctx.now()));
  return claims;
}

interface Exchange {
  /** The newest event that arrived while this exchange ran. */
  next?: ReceiptEvent;
  /** Data transfers that arrived meanwhile: each carries its own content digest, so none is folded away. */
  readonly deliveries: ReceiptEvent[];
  done?: Promise<void>;
}

/** Deliveries waiting for their receipt per pair; past it the oldest wait is dropped (and logged). */
const deliveriesLimit = 1000;

/** Per node: the participant–counterparty pairs with an exchange running. */
const inFlight = new WeakMap<NodeContext, Map<string, Exchange>>();

/** Resolves once no receipt exchange of this node is running (tests and shutdown wait on it, not on time). */
export async function receiptsSettled(ctx: NodeContext): Promise<void> {
  for (let running = [...(inFlight.get(ctx)?.values() ?? [])]; running.length > 0; ) {
    await Promise.all(running.map((e) => e.done));
    running = [...(inFlight.get(ctx)?.values() ?? [])];
  }
}

/**
 * Hands the counterparty a receipt for `event` and keeps the one it answers with. Best effort and never
 * throws: a peer without a receipts endpoint (another connector) leaves only the issued copy, and the log says so.
 * One exchange per pair at a time: events arriving meanwhile are covered by one more receipt for the newest of
 * them, sent when the running one ends. A receipt anchors the chain head, so it vouches for every entry up to it —
 * under load the peers trade one receipt per round trip instead of one per message.
 */
export async function exchangeReceipts(
  ctx: NodeContext,
  participantId: string,
  counterparty: string,
  event: ReceiptEvent,
): Promise<void> {
  if (!counterparty.startsWith('did:web:')) return;
  const pairs = inFlight.get(ctx) ?? new Map<string, Exchange>();
  inFlight.set(ctx, pairs);
  const pair = `${participantId} ${counterparty}`;
  const running = pairs.get(pair);
  if (running) {
    if (event.kind === 'data-transfer' && event.digest) {
      if (running.deliveries.length >= deliveriesLimit) {
        const dropped = running.deliveries.shift();
        ctx.logger.warn(
          { participantId, counterparty, process: dropped?.process },
          'delivery receipt dropped',
        );
      }
      running.deliveries.push(event);
    } else running.next = event;
    return running.done;
  }
  const slot: Exchange = { deliveries: [] };
  pairs.set(pair, slot);
  slot.done = (async () => {
    try {
      for (let current: ReceiptEvent | undefined = event; current; ) {
        await exchangeOne(ctx, participantId, counterparty, current);
        current = slot.deliveries.shift() ?? slot.next;
        if (current === slot.next) slot.next = undefined;
      }
    } finally {
      pairs.delete(pair);
    }
  })();
  return slot.done;
}

async function exchangeOne(
  ctx: NodeContext,
  participantId: string,
  counterparty: string,
  event: ReceiptEvent,
): Promise<void> {
  try {
    const receipt = await issueReceipt(ctx, participantId, counterparty, event);
    if (!receipt) return;
    const headers = await dspAuthHeaders(ctx, participantId, counterparty);
    const res = await ctx.outbound.request(receiptsUrl(ctx, counterparty), {
      method: 'POST',
      json: { receipt },
      headers,
    });
    if (res.status !== 201) throw new Error(`${counterparty} answered ${res.status}`);
    const answer = (res.json() as { receipt?: unknown }).receipt;
    if (typeof answer !== 'string') throw new Error(`${counterparty} answered without a receipt`);
    await keepReceipt(ctx, participantId, answer, counterparty);
  } catch (e) {
    ctx.logger.info(
      {
        participantId,
        counterparty,
        process: event.process,
        reason: e instanceof Error ? e.message : String(e),
      },
      'audit receipt not exchanged',
    );
  }
}

/**
 * `POST …/audit/receipts` (in an authenticated scope: the caller proved its DID with a DSP token): keeps the
 * caller's receipt and answers with this participant's own, anchoring its chain head.
 */
export const receiptRoutes: ScopeRoutes = async (base, { ctx }) => {
  const app = base.withTypeProvider<JsonSchemaToTsProvider>();
  app.post(
    '/receipts',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['receipt'],
          properties: { receipt: { type: 'string', maxLength: 16384 } },
        },
        response: {
          201: {
            type: 'object',
            additionalProperties: false,
            properties: { receipt: { type: 'string' } },
          },
        },
      },
    },
    async (req, reply) => {
      const participantId = await addressedParticipant(ctx, req);
      const caller = req.counterparty?.id ?? '';
      let claims: ReceiptClaims;
      try {
        claims = await keepReceipt(ctx, participantId, req.body.receipt, caller);
      } catch (e) {
        if (!(e instanceof ReceiptRejected)) throw e;
        throw new InvalidInput('audit.receipt-invalid', e.message);
      }
      if (claims.event.kind === 'data-transfer' && claims.event.digest)
        await recordDelivery(ctx, participantId, caller, claims);
      const answer = await issueReceipt(ctx, participantId, caller, {
        kind: 'receipt',
        digest: sha256Hex(req.body.receipt),
        ...(claims.event.process ? { process: claims.event.process } : {}),
        ...(claims.event.type ? { type: claims.event.type } : {}),
      });
      return reply.code(201).send({ receipt: answer ?? '' });
    },
  );
};

/**
 * Consumer: the provider's signed receipt for a data transfer names the sha256 and byte count of what it served;
 * the consumer's own chain records it against its transfer (before its answering receipt anchors the head), so
 * both chains carry the same digest. A receipt for a transfer this participant does not consume records nothing.
 */
async function recordDelivery(
  ctx: NodeContext,
  participantId: string,
  provider: string,
  claims: ReceiptClaims,
): Promise<void> {
  const t = await ctx.db
    .selectFrom('transfers')
    .select(['id', 'agreement_id', 'format'])
    .where('participant_id', '=', participantId)
    .where('role', '=', 'consumer')
    .where('counterparty_id', '=', provider)
    .where('provider_pid', '=', claims.event.process ?? '')
    .executeTakeFirst();
  if (!t) return;
  const at = ctx.now();
  await ctx.db.transaction().execute((trx) =>
    appendAudit(
      trx,
      {
        participantId,
        actor: provider,
        action: 'dataplane.received',
        resourceType: 'transfer',
        resourceId: t.id,
        via: 'audit-receipt',
        outcome: 'success',
        details: {
          contentSha256: claims.event.digest,
          ...(typeof claims.event.bytes === 'number' ? { bytes: claims.event.bytes } : {}),
          method: claims.event.type,
          receiptId: claims.jti,
          agreementId: t.agreement_id,
        },
        context: { format: t.format, ...(claims.event.digest ? { contentHash: claims.event.digest } : {}) },
      },
      at,
    ),
  );
}
