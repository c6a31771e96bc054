import type { Kysely } from 'kysely';
import { DeliveryRefused, type OutboxItem } from '../../dataspace/outbox/index.js';
import { EgressDenied, InvalidUrl, type OutboundClient } from '../../outbound/index.js';
import type { Tables } from '../../store/index.js';
import { findOutboundCredentials } from './clients.js';
import { pactDb } from './store.js';

export interface DeliveryDeps {
  readonly db: Kysely<Tables>;
  readonly nodeSecret: string;
  readonly outbound: Pick<OutboundClient, 'request'>;
  readonly now: () => Date;
}

interface CachedToken {
  readonly token: string;
  readonly until: number;
}

/**
 * Sends PACT events to customers' hosts, authenticated with the data owner's client credentials there (OAuth
 * client credentials, HTTP Basic). Tokens are kept until shortly before they expire; a 401 drops the token and
 * the outbox retries. A 4xx other than 401/408/429, or a URL the egress policy forbids, is final.
 */
export function pactDelivery(deps: DeliveryDeps): (item: OutboxItem) => Promise<void> {
  const tokens = new Map<string, CachedToken>();
  const db = pactDb(deps.db);

  async function tokenFor(participantId: string, customer: string): Promise<string> {
    const key = `${participantId}\u0000${customer}`;
    const cached = tokens.get(key);
    if (cached && cached.until > deps.now().getTime()) return cached.token;
    const creds = await findOutboundCredentials(db, deps.nodeSecret, participantId, customer);
    if (!creds) throw new DeliveryRefused(`no credentials registered for customer ${customer}`);
    const basic = Buffer.from(
      `${encodeURIComponent(creds.clientId)}:${encodeURIComponent(creds.clientSecret)}`,
    ).toString('base64');
    const res = await deps.outbound.request(creds.tokenUrl, {
      method: 'POST',
      headers: {
        authorization: `Basic ${basic}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: 'grant_type=client_credentials',
    });
    if (res.status !== 200) failed(res.status, `the token endpoint of ${customer}`);
    const body = res.json<{ access_token?: unknown; expires_in?: unknown }>();
    if (typeof body.access_token !== 'string')
      throw new Error(`the token endpoint of ${customer} sent no access_token`);
    const lifetime = typeof body.expires_in === 'number' ? body.expires_in : 300;
    tokens.set(key, {
      token: body.access_token,
      until: deps.now().getTime() + Math.max(0, lifetime - 30) * 1000,
    });
    return body.access_token;
  }

  return async (item) => {
    try {
      const token = await tokenFor(item.participantId, item.audience);
      const res = await deps.outbound.request(item.url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/cloudevents+json; charset=UTF-8',
        },
        body: JSON.stringify(item.message),
      });
      if (res.status === 401) tokens.delete(`${item.participantId}\u0000${item.audience}`);
      if (res.status < 200 || res.status >= 300) failed(res.status, new URL(item.url).host);
    } catch (e) {
      if (e instanceof EgressDenied || e instanceof InvalidUrl) throw new DeliveryRefused(e.message);
      throw e;
    }
  };
}

function failed(status: number, who: string): never {
  const message = `${who} answered ${status}`;
  const final = status >= 400 && status < 500 && status !== 401 && status !== 408 && status !== 429;
  throw final ? new DeliveryRefused(message) : new Error(message);
}
