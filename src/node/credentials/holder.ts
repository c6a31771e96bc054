import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import {
  CredentialRefused,
  presentationResponse,
  queryScopes,
  readCredential,
  scopeForType,
  signAccessToken,
  signPresentation,
  typeOfScope,
  type VerifiedCredential,
  verifyAccessToken,
  verifyCredential,
} from '../../dataspace/credentials/index.js';
import type { SigningKey } from '../../dataspace/identity/index.js';
import { InvalidInput, Unauthorized } from '../../errors/index.js';
import { appendAudit } from '../../store/index.js';
import type { NodeContext } from '../context.js';
import { didResolverOf, ownDids } from '../counterparty.js';
import { addressedParticipant } from '../scopes/protocol.js';
import { signerOf } from '../signing.js';
import { statusListCredential } from './authority.js';
import { dcpCaller } from './caller.js';
import { issuerRoutes } from './issuer-routes.js';
import { heldCredentials, heldTypes, storeHeldCredential } from './store.js';
import { statusListsOf } from './verifier.js';

const accessTokenTtlSeconds = 60;
const presentationTtlSeconds = 60;

/** Held types per participant, read at most every few seconds: every outbound DSP message asks. */
const heldTypesTtlMs = 5_000;
const heldTypesCache = new WeakMap<NodeContext, Map<string, { types: Promise<string[]>; at: number }>>();

function heldTypesOf(ctx: NodeContext, participantId: string): Promise<string[]> {
  const cache = heldTypesCache.get(ctx) ?? new Map<string, { types: Promise<string[]>; at: number }>();
  heldTypesCache.set(ctx, cache);
  const now = ctx.now().getTime();
  const hit = cache.get(participantId);
  if (hit && now - hit.at < heldTypesTtlMs) return hit.types;
  const types = heldTypes(ctx.db, participantId);
  cache.set(participantId, { types, at: now });
  types.catch(() => cache.delete(participantId));
  return types;
}

/** An access token is reused for this long (of its 60 s): the verifier then answers from its per-token cache. */
const accessTokenReuseMs = 30_000;
const issuedTokens = new WeakMap<NodeContext, Map<string, { token: string; until: number }>>();

/**
 * The access token that goes into the `token` claim of the participant's outbound self-issued ID token: it lets
 * the receiver read the credential types the participant holds from its CredentialService, and nothing else.
 * None when the participant holds no credential (a node without DCP sends what it always sent). The same token
 * serves one receiver for half its life, so the receiver need not query again for every message; a change in
 * the credentials held makes a new one.
 */
export async function credentialAccessToken(
  ctx: NodeContext,
  participantId: string,
  signer: SigningKey,
  verifier: string,
): Promise<string | undefined> {
  const types = await heldTypesOf(ctx, participantId);
  if (types.length === 0) return undefined;
  const cache = issuedTokens.get(ctx) ?? new Map<string, { token: string; until: number }>();
  issuedTokens.set(ctx, cache);
  const key = `${participantId}\n${verifier}\n${types.join(' ')}`;
  const now = ctx.now().getTime();
  const hit = cache.get(key);
  if (hit && now < hit.until) return hit.token;
  const token = await signAccessToken(signer, {
    verifier,
    scopes: types.map(scopeForType),
    issuedAt: ctx.now(),
    ttlSeconds: accessTokenTtlSeconds,
    jti: randomUUID(),
  });
  for (const [k, v] of cache) if (v.until <= now) cache.delete(k);
  if (cache.size < 10_000) cache.set(key, { token, until: now + accessTokenReuseMs });
  return token;
}

/**
 * The DCP endpoints of each participant (`…/dcp`): the CredentialService answering PresentationQueryMessages
 * within the scopes the caller's access token grants, and the storage endpoint where issuers deliver
 * CredentialMessages. Callers authenticate with a self-issued ID token addressed to the participant.
 */
export const credentialServiceRoutes: FastifyPluginAsync<{ ctx: NodeContext }> = async (app, { ctx }) => {
  const resolveDid = didResolverOf(ctx);
  const leewaySeconds = ctx.config.credentialLeewayS;
  const caller = dcpCaller(ctx);

  app.post('/presentations/query', { schema: { body: { type: 'object' } } }, async (req) => {
    const participantId = await addressedParticipant(ctx, req);
    const { did: verifier, accessToken } = await caller(req, participantId);
    const scopes = queryScopes(req.body);
    if (!scopes)
      throw new InvalidInput('dcp.invalid-query', 'expected a PresentationQueryMessage with scopes');
    const holder = ownDids(ctx, participantId)[0] ?? '';
    let granted: string[];
    try {
      if (!accessToken)
        throw new CredentialRefused('access-token.invalid', `${verifier} sent no access token`);
      granted = await verifyAccessToken(
        accessToken,
        { holder, verifier },
        { resolveDid, now: ctx.now, leewaySeconds },
      );
      const missing = scopes.filter((s) => !granted.includes(s) || !typeOfScope(s));
      if (missing.length)
        throw new CredentialRefused(
          'access-token.scope-not-granted',
          `${verifier} asked for ${missing.join(' ')}`,
        );
    } catch (e) {
      if (!(e instanceof CredentialRefused)) throw e;
      req.log.info({ reasonCode: e.reason, reason: e.message }, 'presentation query refused');
      throw new Unauthorized(e.reason, 'the access token does not grant this query');
    }
    const types = scopes.map((s) => typeOfScope(s) ?? '');
    const held = await heldCredentials(ctx.db, participantId, types);
    const vp = await signPresentation(await signerOf(ctx, participantId), {
      id: `urn:uuid:${randomUUID()}`,
      audience: verifier,
      credentials: held.map((c) => c.jwt),
      issuedAt: ctx.now(),
      ttlSeconds: presentationTtlSeconds,
    });
    req.log.info({ verifier, types, presented: held.length }, 'presentation answered');
    return presentationResponse([vp]);
  });

  // The authority role: a participant's published revocation lists, cacheable for statusListMaxAgeS.
  app.get<{ Params: { list: string } }>(
    '/status/:list',
    {
      schema: {
        params: { type: 'object', properties: { list: { type: 'string', pattern: '^[a-z0-9._-]{1,100}$' } } },
      },
    },
    async (req, reply) => {
      const participantId = await addressedParticipant(ctx, req);
      const jwt = await statusListCredential(ctx, participantId, req.params.list);
      return reply
        .header('content-type', 'application/vc+jwt')
        .header('cache-control', `public, max-age=${ctx.config.statusListMaxAgeS}`)
        .send(jwt);
    },
  );

  await app.register(issuerRoutes, { ctx });

  app.post('/credentials', { schema: { body: { type: 'object' } } }, async (req) => {
    const participantId = await addressedParticipant(ctx, req);
    const { did: issuer } = await caller(req, participantId);
    const holder = ownDids(ctx, participantId)[0] ?? '';
    const stored = await storeDelivered(ctx, participantId, holder, issuer, req.body);
    req.log.info({ issuer, stored }, 'credentials received');
    return { stored };
  });
};

interface Delivered {
  readonly type?: unknown;
  readonly status?: unknown;
  readonly credentials?: unknown;
  readonly holderPid?: unknown;
  readonly rejectionReason?: unknown;
}

/** An issuer said no to a credential request: the operator finds why in the audit log. */
async function recordRejection(ctx: NodeContext, participantId: string, issuer: string, m: Delivered) {
  const reason = typeof m.rejectionReason === 'string' ? m.rejectionReason.slice(0, 500) : 'no reason given';
  await ctx.db.transaction().execute((trx) =>
    appendAudit(
      trx,
      {
        participantId,
        actor: issuer,
        action: 'credential.rejected',
        resourceType: 'credential-request',
        resourceId: typeof m.holderPid === 'string' ? m.holderPid.slice(0, 200) : '',
        reason,
        via: 'dcp',
        outcome: 'denied',
      },
      ctx.now(),
    ),
  );
}

/**
 * A CredentialMessage from `issuer`: each credential must be issued by that issuer, to this holder, signed by
 * it and not revoked; all are stored, or none.
 */
async function storeDelivered(
  ctx: NodeContext,
  participantId: string,
  holder: string,
  issuer: string,
  body: unknown,
): Promise<number> {
  const m = body as Delivered;
  if (m.type === 'CredentialMessage' && m.status === 'REJECTED') {
    await recordRejection(ctx, participantId, issuer, m);
    return 0;
  }
  if (m.type !== 'CredentialMessage' || m.status !== 'ISSUED' || !Array.isArray(m.credentials))
    throw new InvalidInput('dcp.invalid-credential-message', 'expected an ISSUED CredentialMessage');
  const jwts = m.credentials.map((c: { payload?: unknown; format?: unknown }) => {
    if (typeof c?.payload !== 'string' || c.format !== 'jwt')
      throw new InvalidInput('dcp.invalid-credential-message', 'only JWT credentials are accepted');
    return c.payload;
  });
  const at = ctx.now();
  const accepted: { c: VerifiedCredential; jwt: string }[] = [];
  for (const jwt of jwts) {
    const read = readCredential(jwt);
    const trusted = Object.fromEntries(read.types.map((t) => [t, [issuer]]));
    try {
      const c = await verifyCredential(jwt, holder, {
        resolveDid: didResolverOf(ctx),
        statusList: statusListsOf(ctx),
        trusted,
        now: ctx.now,
        leewaySeconds: ctx.config.credentialLeewayS,
      });
      accepted.push({ c, jwt });
    } catch (e) {
      if (!(e instanceof CredentialRefused)) throw e;
      throw new InvalidInput(e.reason, `a delivered credential was refused: ${e.message}`);
    }
  }
  await ctx.db.transaction().execute(async (trx) => {
    for (const { c, jwt } of accepted) {
      await storeHeldCredential(trx, {
        participant_id: participantId,
        id: c.id ?? `urn:uuid:${randomUUID()}`,
        type: c.types[0] ?? 'VerifiableCredential',
        issuer: c.issuer,
        profile: c.profile,
        jwt,
        valid_until: c.validUntil?.toISOString() ?? null,
        received_at: at.toISOString(),
      });
    }
    await appendAudit(
      trx,
      {
        participantId,
        actor: issuer,
        action: 'credential.receive',
        resourceType: 'credential',
        resourceId: accepted.map(({ c }) => c.id ?? '').join(' '),
        via: 'dcp',
        outcome: 'success',
        details: { types: accepted.map(({ c }) => c.types[0]) },
      },
      at,
    );
  });
  heldTypesCache.get(ctx)?.delete(participantId); // the next outbound token grants the new types
  return accepted.length;
}
