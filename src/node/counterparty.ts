import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import {
  type DidDocument,
  type DidResolver,
  didWebDocumentUrl,
  didWebResolver,
  participantDid,
  type ReplayCheck,
  signCounterpartyToken,
  storedReplayGuard,
  TokenRejected,
  verifyCounterpartyToken,
} from '../dataspace/identity/index.js';
import { BadStatus } from '../outbound/index.js';
import { findParticipant } from '../store/index.js';
import { plainHttpEnabled } from './config.js';
import type { NodeContext } from './context.js';
import { credentialAccessToken, rememberDcpCaller } from './credentials/index.js';
import { participantDidDocument } from './did-document.js';
import type { CounterpartyVerifier } from './scopes/protocol.js';
import { signerOf } from './signing.js';

/** The counterparty id the DSP TCK is known by under `--profile tck` (the TCK's own participant id). */
export const tckParticipant = 'TCK_PARTICIPANT';

/** Tokens live a minute: long enough for a retry through the outbox, short enough to bound the replay guard. */
const tokenTtlSeconds = 60;
const leewaySeconds = 30;
const maxLifetimeSeconds = 300;

/** The DIDs a participant of this node answers to (the default one also by its `:p:<id>` form). */
export function ownDids(ctx: NodeContext, participantId: string): string[] {
  const isDefault = participantId === ctx.config.defaultParticipantId;
  const main = participantDid(ctx.publicHost(), participantId, isDefault);
  return isDefault ? [main, participantDid(ctx.publicHost(), participantId, false)] : [main];
}

/**
 * Headers that authenticate `participantId` to the peer `audienceDid` on an outbound DSP request: a fresh
 * self-issued JWT per request. Under the tck profile the TCK gets back its own static header.
 */
export async function dspAuthHeaders(
  ctx: NodeContext,
  participantId: string,
  audienceDid: string,
): Promise<Record<string, string>> {
  if (ctx.config.profile === 'tck' && audienceDid === tckParticipant) {
    return { authorization: ctx.config.tckAuthorization };
  }
  const signer = await signerOf(ctx, participantId);
  const accessToken = await credentialAccessToken(ctx, participantId, signer, audienceDid);
  return { authorization: `Bearer ${await selfIssuedToken(ctx, participantId, audienceDid, accessToken)}` };
}

/** A fresh self-issued ID token of `participantId` for `audienceDid`, optionally carrying a DCP access token. */
export async function selfIssuedToken(
  ctx: NodeContext,
  participantId: string,
  audienceDid: string,
  accessToken?: string,
): Promise<string> {
  return signCounterpartyToken(await signerOf(ctx, participantId), {
    audience: audienceDid,
    issuedAt: ctx.now(),
    jti: randomUUID(),
    ttlSeconds: tokenTtlSeconds,
    ...(accessToken ? { accessToken } : {}),
  });
}

const resolvers = new WeakMap<NodeContext, DidResolver>();

/** The node's one did:web resolver (one cache for token, presentation and credential checks). */
export function didResolverOf(ctx: NodeContext): DidResolver {
  const known = resolvers.get(ctx);
  if (known) return known;
  const made = nodeDidResolver(ctx);
  resolvers.set(ctx, made);
  return made;
}

/** did:web over the outbound client (egress policy applies); this node's own participants are read locally. */
export function nodeDidResolver(ctx: NodeContext): DidResolver {
  const scheme = plainHttpEnabled(ctx.config) ? 'http' : 'https';
  const remote = didWebResolver({
    fetchDocument: async (url) => {
      const res = await ctx.outbound.request(url, { headers: { accept: 'application/json' } });
      if (res.status < 200 || res.status > 299) throw new BadStatus(url.host, res.status);
      return { body: res.json(), cacheControl: res.headers['cache-control'] };
    },
    now: ctx.now,
    scheme,
  });
  return async (did, fresh) => {
    const local = await localDocument(ctx, did);
    return local ?? remote(did, fresh);
  };
}

async function localDocument(ctx: NodeContext, did: string): Promise<DidDocument | undefined> {
  const url = didWebDocumentUrl(did);
  if (url.host !== new URL(`https://${ctx.publicHost()}`).host) return undefined;
  const path = /^\/p\/([^/]+)\/did\.json$/.exec(url.pathname);
  const id = url.pathname === '/.well-known/did.json' ? ctx.config.defaultParticipantId : path?.[1];
  if (!id || !(await findParticipant(ctx.db, id))) throw new Error(`no participant ${id ?? ''} here`);
  return participantDidDocument(ctx, id, did);
}

function addressedId(ctx: NodeContext, req: FastifyRequest): string {
  return (req.params as { participant?: string }).participant ?? ctx.config.defaultParticipantId;
}

/**
 * The default protocol verifier: a `Bearer` self-issued JWT from the sender's participant key, addressed to
 * the participant the request is for. Refusals say nothing to the caller; the reason goes to the local log.
 * Token ids are remembered in the database until they expire: a replay is refused after a restart and by
 * every replica sharing the store.
 */
export function tokenVerifier(ctx: NodeContext): CounterpartyVerifier {
  const seen = storedReplayGuard(ctx.db);
  const resolveDid = didResolverOf(ctx);
  return async (req) => {
    const header = req.headers.authorization;
    const token = header && /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (!token) {
      req.log.info({ reason: 'no bearer token' }, 'counterparty refused');
      return undefined;
    }
    const participantId = addressedId(ctx, req);
    const policy = { audiences: ownDids(ctx, participantId), leewaySeconds, maxLifetimeSeconds };
    const replay: ReplayCheck = {
      remember: (key, expiresAtMs, nowMs) => seen.remember(participantId, key, expiresAtMs, nowMs),
    };
    try {
      const { did, accessToken } = await verifyCounterpartyToken(token, policy, {
        resolveDid,
        replay,
        now: ctx.now,
      });
      // DCP: what the caller must present is known once the message is read (presentationGate).
      rememberDcpCaller(req, did, accessToken);
      return { id: did };
    } catch (e) {
      if (!(e instanceof TokenRejected)) throw e;
      req.log.info({ reason: e.message }, 'counterparty refused');
      return undefined;
    }
  };
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** The conformance profile: the TCK's static Authorization header is the counterparty TCK_PARTICIPANT. */
export function tckVerifier(ctx: NodeContext, otherwise: CounterpartyVerifier): CounterpartyVerifier {
  const expected = digest(ctx.config.tckAuthorization);
  return async (req) => {
    const header = req.headers.authorization;
    if (header !== undefined && timingSafeEqual(digest(header), expected)) return { id: tckParticipant };
    return otherwise(req);
  };
}

/** What the node authenticates protocol callers with unless a test or embedder passes its own verifier. */
export function defaultVerifier(ctx: NodeContext): CounterpartyVerifier {
  const tokens = tokenVerifier(ctx);
  return ctx.config.profile === 'tck' ? tckVerifier(ctx, tokens) : tokens;
}
