import {
  importSigningKey,
  type KeyAlgorithm,
  type SigningKey,
  signingKeyAt,
} from '../dataspace/identity/index.js';
import { listParticipantKeys } from '../store/index.js';
import type { NodeContext } from './context.js';
import { ownDids } from './counterparty.js';
import { historyEntry, privateKeyOf } from './participants.js';

/**
 * Which key a participant signs with, chosen per signature by the key history (a rotated key takes over at its
 * activation time). The key list is read again at most every few seconds, so a rotation made by another replica
 * is seen in time (activation is minutes away); each private key is unsealed once per process.
 */
const reloadAfterMs = 5_000;

interface Cache {
  readonly history: Map<string, { at: number; keys: Promise<ReturnType<typeof historyEntry>[]> }>;
  readonly unsealed: Map<string, Promise<SigningKey>>;
}

const caches = new WeakMap<NodeContext, Cache>();

function cacheOf(ctx: NodeContext): Cache {
  let cache = caches.get(ctx);
  if (!cache) {
    cache = { history: new Map(), unsealed: new Map() };
    caches.set(ctx, cache);
  }
  return cache;
}

function historyOf(ctx: NodeContext, participantId: string) {
  const { history } = cacheOf(ctx);
  const now = ctx.now().getTime();
  const hit = history.get(participantId);
  if (hit && now - hit.at < reloadAfterMs && now >= hit.at) return hit.keys;
  const keys = listParticipantKeys(ctx.db, participantId).then((rows) => rows.map(historyEntry));
  history.set(participantId, { at: now, keys });
  keys.catch(() => history.delete(participantId));
  return keys;
}

/** After a local rotation: read the key list again on the next signature. */
export function forgetSigningKeys(ctx: NodeContext, participantId: string): void {
  cacheOf(ctx).history.delete(participantId);
}

/** The participant's signing key of `alg` at this moment. */
export async function signerOf(
  ctx: NodeContext,
  participantId: string,
  alg: KeyAlgorithm = 'EdDSA',
): Promise<SigningKey> {
  const keys = await historyOf(ctx, participantId);
  const key = signingKeyAt(keys, alg, ctx.now()) ?? signingKeyAt(keys, keys[0]?.alg ?? alg, ctx.now());
  if (!key) throw new Error(`participant ${participantId} has no key to sign with`);
  const { unsealed } = cacheOf(ctx);
  const id = `${participantId} ${key.kid}`;
  let signer = unsealed.get(id);
  if (!signer) {
    signer = privateKeyOf(ctx.participants, participantId, key.kid).then((jwk) =>
      importSigningKey(ownDids(ctx, participantId)[0] ?? '', jwk),
    );
    unsealed.set(id, signer);
    signer.catch(() => unsealed.delete(id));
  }
  return signer;
}
