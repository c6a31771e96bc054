import { createHash, randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { decodeJwt } from 'jose';
import {
  CredentialRefused,
  grantedTypes,
  maxAgeOf,
  presentationQuery,
  responsePresentations,
  type StatusListLookup,
  scopeForType,
  statusListCache,
  type TrustedIssuers,
  type VerifiedCredential,
  verifyPresentation,
} from '../../dataspace/credentials/index.js';
import { signCounterpartyToken } from '../../dataspace/identity/index.js';
import { InvalidInput } from '../../errors/index.js';
import { appendAudit } from '../../store/index.js';
import type { NodeContext } from '../context.js';
import { didResolverOf, ownDids } from '../counterparty.js';
import { signerOf } from '../signing.js';
import { presentedClaimsOf } from './presented.js';
import { standingsOf } from './standing.js';
import { statusListFetched } from './status-watch.js';

/** `Type=did` entries of the `trustedIssuers` config key, as a table per credential type. */
export function trustedIssuersOf(entries: readonly string[]): TrustedIssuers {
  const table: Record<string, string[]> = {};
  for (const e of entries) {
    const m = /^([A-Za-z0-9._-]+)=(did:\S+)$/.exec(e.trim());
    if (!m?.[1] || !m[2])
      throw new InvalidInput('config.invalid-value', `trustedIssuers: ${JSON.stringify(e)} is not Type=did`);
    table[m[1]] = [...(table[m[1]] ?? []), m[2]];
  }
  return table;
}

const statusCaches = new WeakMap<NodeContext, StatusListLookup>();

/** Status list credentials fetched through the outbound client, kept for their Cache-Control lifetime. */
export function statusListsOf(ctx: NodeContext): StatusListLookup {
  const known = statusCaches.get(ctx);
  if (known) return known;
  const made = statusListCache(
    async (url) => {
      const res = await ctx.outbound.request(url, { headers: { accept: 'application/vc+jwt' } });
      if (res.status !== 200) throw new Error(`status ${res.status}`);
      const body = res.text().trim();
      statusListFetched(ctx, url, body);
      return { body, maxAgeSeconds: maxAgeOf(res.headers['cache-control']) };
    },
    ctx.now,
    // never kept past the revocation bound: a revoked credential is seen within it
    { maxSeconds: Math.min(300, ctx.config.credentialRecheckS) },
  );
  statusCaches.set(ctx, made);
  return made;
}

const claimsLimit = 10_000;

const hash = (s: string) => createHash('sha256').update(s).digest('base64url');

/** When an access token expires (it verified at the holder's service; here only its lifetime matters). */
function accessTokenExpiry(token: string): number {
  try {
    const { exp } = decodeJwt(token);
    return typeof exp === 'number' ? exp * 1000 : 0;
  } catch {
    return 0;
  }
}
const claimsTtlMs = 60 * 60_000;

/**
 * What one request must be shown. `required`: the `dcpScopes` types, refused when not presented. `wanted`: the
 * types the policy the request is evaluated against reads claims from, asked for when the caller's access token
 * grants them (their absence is the policy's to judge). `soft` (catalog requests): a refusal leaves the caller
 * without those claims instead of refusing the request.
 */
export interface PresentationNeed {
  readonly required: readonly string[];
  readonly wanted: readonly string[];
  readonly soft: boolean;
}

/**
 * DCP presentation flow, verifier side, after the caller's ID token verified: query the caller's
 * CredentialService (from its DID document) for the credential types the request needs, with the access token it
 * sent, verify the presentation and every credential, and keep the claims for the policy engine. Answers per
 * access token and types are cached while the token lives. A refusal — including a credential service that does
 * not answer in time — is logged with its reason code and audited; the caller only sees 401.
 */
export function presentationCheck(ctx: NodeContext) {
  const trusted = trustedIssuersOf(ctx.config.trustedIssuers);
  const presented = presentedClaimsOf(ctx);
  const byToken = new Map<string, { credentials: VerifiedCredential[]; until: number }>();
  const timeoutMs = ctx.config.credentialServiceTimeoutMs;

  async function query(
    participantId: string,
    did: string,
    accessToken: string,
    types: readonly string[],
  ): Promise<VerifiedCredential[]> {
    const doc = await didResolverOf(ctx)(did, false).catch((e: Error) => {
      throw new CredentialRefused('did.unresolvable', `DID ${did} did not resolve: ${e.message}`);
    });
    const service = doc.service?.find((s) => s.type === 'CredentialService');
    if (!service)
      throw new CredentialRefused('credential-service.missing', `${did} lists no CredentialService`);
    const signer = await signerOf(ctx, participantId);
    const token = await signCounterpartyToken(signer, {
      audience: did,
      issuedAt: ctx.now(),
      jti: randomUUID(),
      ttlSeconds: 60,
      accessToken,
    });
    const url = `${service.serviceEndpoint.replace(/\/$/, '')}/presentations/query`;
    let body: unknown;
    try {
      const res = await ctx.outbound.request(url, {
        method: 'POST',
        json: presentationQuery(types.map(scopeForType)),
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (res.status !== 200)
        throw new CredentialRefused('credential-service.refused', `${url} answered ${res.status}`);
      body = res.json();
    } catch (e) {
      if (e instanceof CredentialRefused) throw e;
      const timedOut = (e as Error).name === 'TimeoutError' || /timeout|abort/i.test((e as Error).message);
      throw new CredentialRefused(
        timedOut ? 'credential-service.timeout' : 'credential-service.unreachable',
        `${url}: ${timedOut ? `no answer within ${timeoutMs} ms` : (e as Error).message}`,
      );
    }
    const vps = responsePresentations(body);
    if (!vps)
      throw new CredentialRefused('presentation.malformed', `${url} sent no PresentationResponseMessage`);
    const audience = ownDids(ctx, participantId)[0] ?? '';
    const deps = {
      resolveDid: didResolverOf(ctx),
      statusList: statusListsOf(ctx),
      trusted,
      now: ctx.now,
      leewaySeconds: ctx.config.credentialLeewayS,
    };
    const credentials: VerifiedCredential[] = [];
    for (const vp of vps)
      credentials.push(...(await verifyPresentation(vp, { audience, holder: did }, deps)).credentials);
    return credentials;
  }

  /** The whole check within the timeout: DID and status list fetches count against it too. */
  function withinDeadline<T>(work: Promise<T>, did: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new CredentialRefused(
              'credential-service.timeout',
              `credentials of ${did}: no answer within ${timeoutMs} ms`,
            ),
          ),
        timeoutMs,
      );
    });
    return Promise.race([work, late]).finally(() => clearTimeout(timer));
  }

  async function credentialsOf(participantId: string, did: string, accessToken: string, types: string[]) {
    const key = hash(`${participantId} ${did} ${accessToken} ${types.join(' ')}`);
    const hit = byToken.get(key);
    const now = ctx.now().getTime();
    if (hit && now < hit.until) return hit;
    const credentials = await withinDeadline(query(participantId, did, accessToken, types), did);
    const ends = credentials.map((c) => c.validUntil?.getTime() ?? Number.POSITIVE_INFINITY);
    const entry = { credentials, until: Math.min(now + claimsTtlMs, ...ends) };
    // Reused for the same access token only while every status list it was checked against is still fresh, so
    // the cache never hides a revocation longer than the issuer's own Cache-Control allows.
    const lists = credentials.flatMap((c) =>
      c.status ? [statusListsOf(ctx).freshUntil(c.status.listUrl)] : [],
    );
    const tokenUntil = Math.min(entry.until, accessTokenExpiry(accessToken), ...lists);
    for (const [k, v] of byToken) if (v.until <= now) byToken.delete(k);
    if (byToken.size < claimsLimit && tokenUntil > now) byToken.set(key, { ...entry, until: tokenUntil });
    return entry;
  }

  /** The types to ask for: every required one, and the wanted ones the caller's access token grants. */
  function typesToAsk(did: string, accessToken: string | undefined, need: PresentationNeed): string[] {
    const granted = accessToken ? grantedTypes(accessToken) : [];
    const offered = (t: string) => granted === undefined || granted.includes(t);
    const missing = need.required.filter((t) => !offered(t));
    if (missing.length)
      throw new CredentialRefused(
        'presentation.missing-credential',
        `${did} offers no ${missing.join(', ')} (${accessToken ? 'its access token does not grant it' : 'it sent no access token'})`,
        missing,
      );
    return [...new Set([...need.required, ...need.wanted.filter(offered)])].sort();
  }

  return async (
    req: FastifyRequest,
    participantId: string,
    did: string,
    accessToken: string | undefined,
    need: PresentationNeed,
  ): Promise<boolean> => {
    let asked: string[] = [...need.required, ...need.wanted];
    try {
      asked = typesToAsk(did, accessToken, need);
      // Wanted types the caller no longer offers leave no claims behind.
      presented.forget(
        did,
        need.wanted.filter((t) => !asked.includes(t)),
      );
      if (asked.length === 0 || !accessToken) return true;
      const { credentials, until } = await credentialsOf(participantId, did, accessToken, asked);
      const missing = need.required.filter((t) => !credentials.some((c) => c.types.includes(t)));
      if (missing.length)
        throw new CredentialRefused(
          'presentation.missing-credential',
          `${did} presented no ${missing.join(', ')}`,
          missing,
        );
      presented.record(did, asked, credentials, until);
      // running transfers are re-checked against every credential kept for the counterparty, of all types
      await standingsOf(ctx).remember(did, presented.credentialsOf(did));
      req.log.debug({ counterparty: did, types: asked }, 'counterparty credentials verified');
      return true;
    } catch (e) {
      const refusal =
        e instanceof CredentialRefused
          ? e
          : new CredentialRefused(
              'credential-service.unreachable',
              `credentials of ${did}: ${(e as Error).message}`,
            );
      if (!(e instanceof CredentialRefused)) req.log.warn({ err: e }, 'credential check failed');
      // Only the types the refusal is about lose their claims (an expired RoleCredential leaves membership be);
      // a refusal of the whole presentation concerns every type asked.
      const concerned = refusal.types ?? asked;
      presented.forget(did, concerned);
      await standingsOf(ctx).refused(did, refusal, concerned);
      req.log.info(
        { reasonCode: refusal.reason, reason: refusal.message, counterparty: did },
        'counterparty credentials refused',
      );
      await recordRefusal(ctx, participantId, did, refusal).catch((err) =>
        req.log.error({ err }, 'auditing a credential refusal failed'),
      );
      return need.soft && need.required.length === 0;
    }
  };
}

async function recordRefusal(ctx: NodeContext, participantId: string, did: string, r: CredentialRefused) {
  const at = ctx.now();
  await ctx.db.transaction().execute((trx) =>
    appendAudit(
      trx,
      {
        participantId,
        actor: did,
        action: 'credential.refused',
        resourceType: 'counterparty',
        resourceId: did,
        reason: r.message,
        via: 'dsp',
        outcome: 'denied',
        details: { reasonCode: r.reason },
      },
      at,
    ),
  );
}
