import { describe, expect, it } from 'vitest';
import { didDocument, didWebDocumentUrl, InvalidDid } from './did.js';
import { generateParticipantKey } from './keys.js';
import { ReplayGuard } from './replay.js';
import { didWebResolver } from './resolver.js';
import { importSigningKey, signCounterpartyToken, TokenRejected, verifyCounterpartyToken } from './token.js';

describe('did:web document URLs', () => {
  it('follows the did:web method: root, paths, percent-encoded ports, plain http only when asked', () => {
    expect(didWebDocumentUrl('did:web:example.com').href).toBe('https://example.com/.well-known/did.json');
    expect(didWebDocumentUrl('did:web:localhost%3A8080:p:kojo', 'http').href).toBe(
      'http://localhost:8080/p/kojo/did.json',
    );
    expect(didWebDocumentUrl('did:web:工場.example').href).toBe(
      'https://xn--rls55k.example/.well-known/did.json',
    );
    for (const bad of [
      'did:key:z6Mk',
      'did:web:',
      'did:web:a b',
      'did:web:x:..:y',
      'did:web:x%ZZ',
      'did:web:u@h',
    ])
      expect(() => didWebDocumentUrl(bad), bad).toThrow(InvalidDid);
  });
});

describe('replay guard', () => {
  it('refuses a key seen before until it expires, and refuses rather than forgets when full', async () => {
    const g = new ReplayGuard(2);
    expect(await g.remember('a', 1000, 0)).toBe(true);
    expect(await g.remember('a', 1000, 500)).toBe(false);
    expect(await g.remember('b', 2000, 500)).toBe(true);
    expect(await g.remember('c', 3000, 600)).toBe(false); // full of live ids
    expect(await g.remember('c', 3000, 1500)).toBe(true); // 'a' expired and was pruned
    expect(await g.remember('a', 5000, 1500)).toBe(false); // full again (b, c live)
  });
});

describe('counterparty tokens', () => {
  const did = 'did:web:工場.example';
  const receiver = 'did:web:buyer.example';
  const at = new Date('2026-04-01T00:00:00Z');

  async function setup() {
    const key = await generateParticipantKey('EdDSA');
    const signer = await importSigningKey(did, key.privateJwk);
    let fetches = 0;
    const resolveDid = didWebResolver({
      fetchDocument: async () => {
        fetches++;
        return { body: didDocument(did, [key.publicJwk]) };
      },
      now: () => at,
      scheme: 'https',
    });
    const deps = { resolveDid, replay: new ReplayGuard(), now: () => at };
    const policy = { audiences: [receiver], leewaySeconds: 30, maxLifetimeSeconds: 300 };
    const token = (jti: string, audience = receiver) =>
      signCounterpartyToken(signer, { audience, issuedAt: at, jti, ttlSeconds: 60 });
    return { deps, policy, token, fetches: () => fetches };
  }

  it('verifies a fresh token once, resolving the sender document once (cached)', async () => {
    const s = await setup();
    expect(await verifyCounterpartyToken(await s.token('1'), s.policy, s.deps)).toEqual({ did });
    expect(await verifyCounterpartyToken(await s.token('2'), s.policy, s.deps)).toEqual({ did });
    expect(s.fetches()).toBe(1);
    await expect(verifyCounterpartyToken(await s.token('2'), s.policy, s.deps)).rejects.toThrow(/replayed/);
    await expect(
      verifyCounterpartyToken(await s.token('3', 'did:web:other'), s.policy, s.deps),
    ).rejects.toThrow(TokenRejected);
    await expect(verifyCounterpartyToken('a.b.c', s.policy, s.deps)).rejects.toThrow(/not a JWT/);
  });
});
