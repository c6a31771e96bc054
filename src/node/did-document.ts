import { type DidDocument, didDocument, publishedKeys } from '../dataspace/identity/index.js';
import { listParticipantKeys } from '../store/index.js';
import type { NodeContext } from './context.js';
import { participantServices } from './credentials/index.js';
import { historyEntry } from './participants.js';

/**
 * A participant's DID document as served and as resolved locally: the keys published now (a rotated key before it
 * signs, a replaced one for the grace period after) and its services.
 */
export async function participantDidDocument(
  ctx: NodeContext,
  participantId: string,
  did: string,
): Promise<DidDocument> {
  const history = (await listParticipantKeys(ctx.db, participantId)).map(historyEntry);
  const keys = publishedKeys(history, ctx.now(), ctx.config.keyGracePeriodS * 1000);
  return didDocument(
    did,
    keys.map((k) => k.publicJwk),
    participantServices(ctx, participantId, did),
  );
}

/** The longest a peer may cache a DID document: the default resolver lifetime (5 min). */
const didDocumentMaxAgeS = 300;

/**
 * The `Cache-Control` of served DID documents: cacheable, but never longer than a rotated key waits before it
 * signs (keyActivationDelayS), so a peer that honours it knows every key before it is used.
 */
export function didDocumentCacheControl(ctx: NodeContext): string {
  const seconds = Math.min(didDocumentMaxAgeS, ctx.config.keyActivationDelayS);
  return seconds > 0 ? `public, max-age=${seconds}` : 'no-cache';
}
