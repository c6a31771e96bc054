import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CredentialRefused, type VerifiedCredential } from '../../src/dataspace/credentials/index.js';
import { loadStandings, saveStanding } from '../../src/node/credentials/standing-store.js';
import type { Database } from '../../src/store/index.js';
import { freshDatabase, type TestDatabase, testEngines } from '../support/engines.js';

const membership: VerifiedCredential = {
  id: 'urn:uuid:5b0c1d2e-0000-4000-8000-000000000001',
  types: ['MembershipCredential'],
  issuer: 'did:web:authority.example',
  subject: 'did:web:kojo.example',
  claims: { corporateNumber: '1234567890123', 会員区分: '正会員' },
  validFrom: new Date('2026-12-01T00:00:00.000Z'),
  validUntil: undefined,
  status: { listUrl: 'https://authority.example/status/1', index: 42, purpose: 'revocation' },
  profile: 'vc20-bssl/jwt',
};

describe.each(testEngines())('credential standings on %s', (engine) => {
  let t: TestDatabase;
  let store: Database;
  beforeEach(async () => {
    t = await freshDatabase(engine);
    store = await t.open();
  });
  afterEach(async () => {
    await store.close();
    await t.dispose();
  });

  it('round-trips credentials (dates included) and refusals, and the latest write wins', async () => {
    const at = new Date('2026-12-06T00:00:00.000Z');
    await saveStanding(
      store.db,
      'did:web:kojo.example',
      { credentials: [membership], refused: new Map() },
      at,
    );
    expect(await loadStandings(store.db, ['did:web:kojo.example', 'did:web:other.example'])).toEqual(
      new Map([['did:web:kojo.example', { credentials: [membership], refused: new Map() }]]),
    );
    const refusal = new CredentialRefused('credential.revoked', 'MembershipCredential revoked by did:web:a', [
      'MembershipCredential',
    ]);
    await saveStanding(
      store.db,
      'did:web:kojo.example',
      { credentials: [], refused: new Map([['MembershipCredential', refusal]]) },
      at,
    );
    const loaded = (await loadStandings(store.db, ['did:web:kojo.example'])).get('did:web:kojo.example');
    expect(loaded?.credentials).toEqual([]);
    const back = loaded?.refused.get('MembershipCredential');
    expect(back).toBeInstanceOf(CredentialRefused);
    expect([back?.reason, back?.message, back?.types]).toEqual([
      'credential.revoked',
      'MembershipCredential revoked by did:web:a',
      ['MembershipCredential'],
    ]);
    expect(await loadStandings(store.db, [])).toEqual(new Map());
  });
});
