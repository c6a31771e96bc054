import { createHash, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import { sealPrivateJwk, unsealPrivateJwk } from '../../dataspace/identity/index.js';
import type { ClientEntitlement } from './model.js';
import type { PactDb } from './store.js';

/**
 * OAuth 2.0 client credentials for the PACT API. A participant registers one client per customer; only the
 * secret's sha256 is kept (secrets are 32 random bytes, so a plain hash is enough, as for API keys). Access tokens
 * are short JWTs signed with a key derived from the node secret: checking one needs no lookup but the client's
 * revocation.
 */

export const tokenLifetimeS = 3600;

export interface IssuedClient {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly customer: string;
}

export interface ClientView {
  readonly clientId: string;
  readonly customer: string;
  readonly createdAt: string;
  readonly revokedAt?: string;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** `Authorization: Basic …` as RFC 6749 §2.3.1 has it: id and secret form-urlencoded, then base64. */
export function parseBasic(header: string | undefined): { clientId: string; secret: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header ?? '');
  if (!m?.[1]) return undefined;
  const text = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  try {
    const form = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
    return { clientId: form(text.slice(0, colon)), secret: form(text.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

export async function registerClient(
  db: PactDb,
  participantId: string,
  customer: string,
  at: Date,
): Promise<IssuedClient> {
  const clientId = `pact_${randomBytes(9).toString('base64url')}`;
  const clientSecret = randomBytes(32).toString('base64url');
  await db
    .insertInto('pact_clients')
    .values({
      participant_id: participantId,
      client_id: clientId,
      customer,
      secret_hash: sha256(clientSecret),
      created_at: at.toISOString(),
      revoked_at: null,
    })
    .execute();
  return { clientId, clientSecret, customer };
}

export async function listClients(db: PactDb, participantId: string): Promise<ClientView[]> {
  const rows = await db
    .selectFrom('pact_clients')
    .selectAll()
    .where('participant_id', '=', participantId)
    .orderBy('created_at')
    .orderBy('client_id')
    .execute();
  return rows.map((r) => ({
    clientId: r.client_id,
    customer: r.customer,
    createdAt: r.created_at,
    ...(r.revoked_at ? { revokedAt: r.revoked_at } : {}),
  }));
}

export async function revokeClient(
  db: PactDb,
  participantId: string,
  clientId: string,
  at: Date,
): Promise<boolean> {
  const r = await db
    .updateTable('pact_clients')
    .set({ revoked_at: at.toISOString() })
    .where('participant_id', '=', participantId)
    .where('client_id', '=', clientId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

async function liveClient(db: PactDb, participantId: string, clientId: string) {
  return db
    .selectFrom('pact_clients')
    .selectAll()
    .where('participant_id', '=', participantId)
    .where('client_id', '=', clientId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
}

/** The customer a client id and secret belong to, if both are right and the client is live. */
export async function authenticateClient(
  db: PactDb,
  participantId: string,
  clientId: string,
  secret: string,
): Promise<ClientEntitlement | undefined> {
  if (clientId.length > 200 || secret.length > 500) return undefined;
  const row = await liveClient(db, participantId, clientId);
  const presented = Buffer.from(sha256(secret), 'hex');
  const stored = Buffer.from(row?.secret_hash ?? sha256(''), 'hex');
  if (!row || !timingSafeEqual(presented, stored)) return undefined;
  return { participantId, customer: row.customer, clientId };
}

function tokenKey(nodeSecret: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', nodeSecret, 'musubi', 'pact-access-token', 32));
}

export async function issueAccessToken(
  nodeSecret: string,
  who: ClientEntitlement,
  at: Date,
): Promise<string> {
  const iat = Math.floor(at.getTime() / 1000);
  return new SignJWT({ cus: who.customer })
    .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
    .setSubject(who.clientId)
    .setAudience(`pact:${who.participantId}`)
    .setIssuedAt(iat)
    .setExpirationTime(iat + tokenLifetimeS)
    .setJti(randomBytes(12).toString('base64url'))
    .sign(tokenKey(nodeSecret));
}

export type TokenCheck = ClientEntitlement | 'invalid' | 'expired';

/** Whom a bearer token speaks for at this participant, or why not (a revoked client's tokens die with it). */
export async function checkAccessToken(
  db: PactDb,
  nodeSecret: string,
  participantId: string,
  token: string,
  at: Date,
): Promise<TokenCheck> {
  if (token.length > 2000) return 'invalid';
  let sub: string | undefined;
  try {
    const { payload } = await jwtVerify(token, tokenKey(nodeSecret), {
      audience: `pact:${participantId}`,
      algorithms: ['HS256'],
      currentDate: at,
    });
    sub = payload.sub;
  } catch (e) {
    return (e as { code?: string }).code === 'ERR_JWT_EXPIRED' ? 'expired' : 'invalid';
  }
  const row = sub ? await liveClient(db, participantId, sub) : undefined;
  return row ? { participantId, customer: row.customer, clientId: row.client_id } : 'invalid';
}

/** The data owner's own credentials at a customer's PACT host, for sending it events. */
export interface OutboundCredentials {
  readonly customer: string;
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** URL prefixes the customer's events may name as `source` (where answers go). */
  readonly eventUrls: readonly string[];
  readonly autoAnswer: boolean;
}

// The secret rides in an `oct` JWK so it is sealed exactly like participant keys.
export async function putOutboundCredentials(
  db: PactDb,
  nodeSecret: string,
  participantId: string,
  c: OutboundCredentials,
  at: Date,
): Promise<void> {
  const row = {
    token_url: c.tokenUrl,
    client_id: c.clientId,
    secret_sealed: sealPrivateJwk(
      { kty: 'oct', k: Buffer.from(c.clientSecret).toString('base64url') },
      nodeSecret,
    ),
    event_urls: JSON.stringify(c.eventUrls),
    auto_answer: c.autoAnswer ? 1 : 0,
    created_at: at.toISOString(),
  };
  await db
    .insertInto('pact_outbound_credentials')
    .values({ participant_id: participantId, customer: c.customer, ...row })
    .onConflict((oc) => oc.columns(['participant_id', 'customer']).doUpdateSet(row))
    .execute();
}

export async function findOutboundCredentials(
  db: PactDb,
  nodeSecret: string,
  participantId: string,
  customer: string,
): Promise<OutboundCredentials | undefined> {
  const r = await db
    .selectFrom('pact_outbound_credentials')
    .selectAll()
    .where('participant_id', '=', participantId)
    .where('customer', '=', customer)
    .executeTakeFirst();
  if (!r) return undefined;
  const jwk = unsealPrivateJwk(r.secret_sealed, nodeSecret);
  return {
    customer: r.customer,
    tokenUrl: r.token_url,
    clientId: r.client_id,
    clientSecret: Buffer.from(String(jwk.k), 'base64url').toString('utf8'),
    eventUrls: JSON.parse(r.event_urls) as string[],
    autoAnswer: r.auto_answer === 1,
  };
}

/** Whether an event's `source` is one of the customer's registered event URLs (no answers to arbitrary hosts). */
export function sourceAllowed(source: string, eventUrls: readonly string[]): boolean {
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' || url.username || url.password) return false;
  return eventUrls.some((prefix) => {
    const p = new URL(prefix);
    return p.origin === url.origin && url.pathname.startsWith(p.pathname);
  });
}

/**
 * Binds a customer to its participant DID in the footprint exchange (or unbinds it with `undefined`). One DID per
 * customer and one customer per DID: a DID bound to another customer is refused (false).
 */
export async function bindCustomerDid(
  db: PactDb,
  participantId: string,
  customer: string,
  did: string | undefined,
  at: Date,
): Promise<boolean> {
  if (did === undefined) {
    await db
      .deleteFrom('pact_customer_dids')
      .where('participant_id', '=', participantId)
      .where('customer', '=', customer)
      .execute();
    return true;
  }
  const holder = await customerOfDid(db, participantId, did);
  if (holder !== undefined && holder !== customer) return false;
  await db
    .insertInto('pact_customer_dids')
    .values({ participant_id: participantId, customer, did, created_at: at.toISOString() })
    .onConflict((oc) => oc.columns(['participant_id', 'customer']).doUpdateSet({ did }))
    .execute();
  return true;
}

/** The exchange DID a customer is bound to, if any. */
export async function customerDidOf(
  db: PactDb,
  participantId: string,
  customer: string,
): Promise<string | undefined> {
  const r = await db
    .selectFrom('pact_customer_dids')
    .select('did')
    .where('participant_id', '=', participantId)
    .where('customer', '=', customer)
    .executeTakeFirst();
  return r?.did;
}

/** The customer bound to an exchange DID, if any. */
export async function customerOfDid(
  db: PactDb,
  participantId: string,
  did: string,
): Promise<string | undefined> {
  const r = await db
    .selectFrom('pact_customer_dids')
    .select('customer')
    .where('participant_id', '=', participantId)
    .where('did', '=', did)
    .executeTakeFirst();
  return r?.customer;
}

/** Every customer's bound DID, by customer. */
export async function customerDids(db: PactDb, participantId: string): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('pact_customer_dids')
    .select(['customer', 'did'])
    .where('participant_id', '=', participantId)
    .execute();
  return new Map(rows.map((r) => [r.customer, r.did]));
}
