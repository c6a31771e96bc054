import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../../../test/support/engines.js';
import type { Database } from '../../store/index.js';
import {
  authenticateClient,
  checkAccessToken,
  findOutboundCredentials,
  issueAccessToken,
  parseBasic,
  putOutboundCredentials,
  registerClient,
  revokeClient,
  sourceAllowed,
} from './clients.js';
import { eventsEndpoint } from './host.js';
import { pactDb } from './store.js';

const secret = 'n'.repeat(43);

describe('client credentials', () => {
  it('reads HTTP Basic as RFC 6749 has it (form-encoded id and secret)', () => {
    const encoded = Buffer.from(`${encodeURIComponent('客:1')}:${encodeURIComponent('p@ss word')}`).toString(
      'base64',
    );
    expect(parseBasic(`Basic ${encoded}`)).toEqual({ clientId: '客:1', secret: 'p@ss word' });
    expect(parseBasic('Bearer abc')).toBeUndefined();
    expect(parseBasic(`Basic ${Buffer.from('no-colon').toString('base64')}`)).toBeUndefined();
    expect(parseBasic(`Basic ${Buffer.from('%E0%A4%A:x').toString('base64')}`)).toBeUndefined();
  });

  it('takes answers only to https event URLs registered for the customer', () => {
    const urls = ['https://acme.example/pact', 'https://hooks.acme.example/3/events'];
    expect(sourceAllowed('https://acme.example/pact/3/events', urls)).toBe(true);
    expect(sourceAllowed('https://hooks.acme.example/3/events', urls)).toBe(true);
    expect(sourceAllowed('https://acme.example/other', urls)).toBe(false);
    expect(sourceAllowed('http://acme.example/pact', urls)).toBe(false);
    expect(sourceAllowed('https://user:pw@acme.example/pact', urls)).toBe(false);
    expect(sourceAllowed('https://acme.example.evil.test/pact', urls)).toBe(false);
    expect(sourceAllowed('//acme.example/pact', urls)).toBe(false);
  });

  it('sends events to an events URL as given, or to a base URL’s /<version>/events', () => {
    expect(eventsEndpoint('https://c.example/3/events', '3')).toBe('https://c.example/3/events');
    expect(eventsEndpoint('https://c.example/pact/', '2')).toBe('https://c.example/pact/2/events');
    expect(eventsEndpoint('https://c.example', '3')).toBe('https://c.example/3/events');
  });
});

describe('clients and tokens in the store', () => {
  let tdb: TestDatabase;
  let database: Database;
  const t0 = new Date('2026-12-01T00:00:00Z');

  beforeEach(async () => {
    tdb = await freshDatabase('sqlite');
    database = await tdb.open();
    for (const id of ['ume', 'sakura'])
      await database.db
        .insertInto('participants')
        .values({ id, name: id, corporate_number: null, created_at: t0.toISOString() })
        .execute();
  });
  afterEach(async () => {
    await database.close();
    await tdb.dispose();
  });

  it('authenticates the right secret only, issues a token that expires, and dies with the client', async () => {
    const db = pactDb(database.db);
    const c = await registerClient(db, 'ume', 'acme', t0);
    expect(await authenticateClient(db, 'ume', c.clientId, `${c.clientSecret}x`)).toBeUndefined();
    expect(await authenticateClient(db, 'sakura', c.clientId, c.clientSecret)).toBeUndefined();
    const who = await authenticateClient(db, 'ume', c.clientId, c.clientSecret);
    expect(who).toEqual({ participantId: 'ume', customer: 'acme', clientId: c.clientId });
    const token = await issueAccessToken(secret, who as NonNullable<typeof who>, t0);
    const later = (s: number) => new Date(t0.getTime() + s * 1000);
    expect(await checkAccessToken(db, secret, 'ume', token, later(3599))).toEqual(who);
    expect(await checkAccessToken(db, secret, 'ume', token, later(3601))).toBe('expired');
    expect(await checkAccessToken(db, secret, 'sakura', token, later(10))).toBe('invalid');
    expect(await checkAccessToken(db, 'another node secret'.padEnd(43, '!'), 'ume', token, later(10))).toBe(
      'invalid',
    );
    expect(await revokeClient(db, 'ume', c.clientId, later(20))).toBe(true);
    expect(await checkAccessToken(db, secret, 'ume', token, later(30))).toBe('invalid');
    expect(await authenticateClient(db, 'ume', c.clientId, c.clientSecret)).toBeUndefined();
    const stored = await database.db
      .selectFrom('pact_clients' as never)
      .selectAll()
      .execute();
    expect(JSON.stringify(stored)).not.toContain(c.clientSecret);
  });

  it('keeps the participant’s own secret at a customer sealed, and gives it back', async () => {
    const db = pactDb(database.db);
    const creds = {
      customer: 'acme',
      tokenUrl: 'https://acme.example/auth/token',
      clientId: 'ume-at-acme',
      clientSecret: '秘密-🔑',
      eventUrls: ['https://acme.example/pact'],
      autoAnswer: false,
    };
    await putOutboundCredentials(db, secret, 'ume', creds, t0);
    expect(
      JSON.stringify(
        await database.db
          .selectFrom('pact_outbound_credentials' as never)
          .selectAll()
          .execute(),
      ),
    ).not.toContain('秘密');
    expect(await findOutboundCredentials(db, secret, 'ume', 'acme')).toEqual(creds);
    expect(await findOutboundCredentials(db, secret, 'sakura', 'acme')).toBeUndefined();
  });
});
