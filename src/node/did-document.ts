import {
  type DidDocument,
  type DidService,
  dataService,
  didDocument,
  publishedKeys,
} from '../dataspace/identity/index.js';
import { listParticipantKeys } from '../store/index.js';
import type { NodeContext } from './context.js';
import { historyEntry } from './participants.js';

/** The participant's public root: `<publicUrl>` for the default participant, `<publicUrl>/p/<id>` for others. */
export function participantBaseUrl(ctx: NodeContext, participantId: string): string {
  const root = ctx.publicUrl().replace(/\/+$/, '');
  return participantId === ctx.config.defaultParticipantId ? root : `${root}/p/${participantId}`;
}

/** The endpoints a participant's DID document lists: its DSP endpoint (and, with DCP, its CredentialService). */
export function participantServices(ctx: NodeContext, participantId: string, did: string): DidService[] {
  return [dataService(did, `${participantBaseUrl(ctx, participantId)}/.well-known/dspace-version`)];
}

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
