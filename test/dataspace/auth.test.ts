import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  generateParticipantKey,
  importSigningKey,
  signCounterpartyToken,
} from '../../src/dataspace/identity/index.js';
import { defaultVerifier, dspAuthHeaders, ownDids, tokenVerifier } from '../../src/node/counterparty.js';
import { createParticipant, privateKeyOf } from '../../src/node/index.js';
import { listParticipantKeys } from '../../src/store/index.js';
import { startTestNode, type TestNode } from '../support/node.js';

/** Two real nodes on loopback: A (the caller, plus participant 工場) and B (the receiver, plus beta). */
let a: TestNode;
let b: TestNode;
const loopback = { plainHttp: true, outboundAllow: ['127.0.0.1', 'localhost', '::1'] };

beforeAll(async () => {
  [a, b] = await Promise.all([startTestNode(loopback), startTestNode(loopback)]);
  await createParticipant(b.node.context.participants, { id: 'beta', name: 'ベータ工業株式会社' }, 'test');
  await createParticipant(a.node.context.participants, { id: 'kojo', name: '東京工場' }, 'test');
});
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
});

const didOf = (t: TestNode, id = 'default') => ownDids(t.node.context, id)[0] ?? '';

/** An authenticated request with no route behind it is a 404; an unauthenticated one a 401. */
async function call(path: string, authorization?: string) {
  const res = await fetch(`${b.node.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: '{}',
  });
  return { status: res.status, body: await res.text() };
}

/** A's default participant's own signing key, to craft tokens with chosen claims. */
async function aSigner() {
  const ctx = a.node.context;
  const key = (await listParticipantKeys(ctx.db, 'default')).find((k) => k.alg === 'EdDSA');
  if (!key) throw new Error('no EdDSA key');
  return importSigningKey(didOf(a), await privateKeyOf(ctx.participants, 'default', key.kid));
}

const bearer = (token: string) => `Bearer ${token}`;

describe('DSP counterparty authentication (self-issued participant JWT over did:web)', () => {
  it('accepts a token signed by the sender participant key and addressed to the receiver', async () => {
    const headers = await dspAuthHeaders(a.node.context, 'default', didOf(b));
    expect(headers.authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    expect((await call('/dsp/2025-1/anything', headers.authorization)).status).toBe(404);
    const toBeta = await dspAuthHeaders(a.node.context, 'kojo', didOf(b, 'beta'));
    expect((await call('/p/beta/dsp/2025-1/anything', toBeta.authorization)).status).toBe(404);
  });

  it('sets the counterparty to the sender DID', async () => {
    const verify = tokenVerifier(b.node.context);
    const headers = await dspAuthHeaders(a.node.context, 'kojo', didOf(b, 'beta'));
    const req = {
      headers,
      params: { participant: 'beta' },
      log: b.node.context.logger,
    } as unknown as FastifyRequest;
    expect(await verify(req)).toEqual({ id: didOf(a, 'kojo') });
    expect(didOf(a, 'kojo')).toMatch(/^did:web:localhost%3A\d+:p:kojo$/);
  });

  it('authenticates participants of the same node without a network round trip', async () => {
    const headers = await dspAuthHeaders(b.node.context, 'beta', didOf(b));
    expect((await call('/dsp/2025-1/x', headers.authorization)).status).toBe(404);
  });

  it('refuses a request without a token, or with a token that is not a JWT', async () => {
    expect((await call('/dsp/2025-1/x')).status).toBe(401);
    expect((await call('/dsp/2025-1/x', 'Bearer not-a-jwt')).status).toBe(401);
    expect((await call('/dsp/2025-1/x', 'Basic dXNlcjpwYXNz')).status).toBe(401);
  });

  it('refuses a token signed by another key under the sender key id, and says why only in the log', async () => {
    const real = await aSigner();
    const other = await generateParticipantKey('EdDSA');
    const forged = { ...(await importSigningKey(didOf(a), other.privateJwk)), kid: real.kid };
    const token = await signCounterpartyToken(forged, {
      audience: didOf(b),
      issuedAt: new Date(),
      jti: randomUUID(),
      ttlSeconds: 60,
    });
    const res = await call('/dsp/2025-1/x', bearer(token));
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body)).toMatchObject({ status: 401, code: 'auth.protocol' });
    expect(res.body).not.toMatch(/signature/i);
    expect(b.logs()).toMatch(/signature verification failed/);
  });

  it('refuses a token addressed to another participant', async () => {
    const toBeta = await dspAuthHeaders(a.node.context, 'default', didOf(b, 'beta'));
    expect((await call('/dsp/2025-1/x', toBeta.authorization)).status).toBe(401);
    const toA = await dspAuthHeaders(a.node.context, 'kojo', didOf(a));
    expect((await call('/p/beta/dsp/2025-1/x', toA.authorization)).status).toBe(401);
    expect(b.logs()).toMatch(/unexpected \W+aud\W+ claim value/);
  });

  it('refuses an expired token, one issued in the future, and one living too long', async () => {
    const signer = await aSigner();
    const at = (offsetSeconds: number, ttlSeconds = 60) =>
      signCounterpartyToken(signer, {
        audience: didOf(b),
        issuedAt: new Date(Date.now() + offsetSeconds * 1000),
        jti: randomUUID(),
        ttlSeconds,
      });
    expect((await call('/dsp/2025-1/x', bearer(await at(-600)))).status).toBe(401);
    expect(b.logs()).toMatch(/\W+exp\W+ claim timestamp check failed/);
    expect((await call('/dsp/2025-1/x', bearer(await at(600)))).status).toBe(401);
    expect((await call('/dsp/2025-1/x', bearer(await at(0, 3600)))).status).toBe(401);
    expect(b.logs()).toMatch(/lives too long/);
    // Within the leeway a slightly skewed clock still passes.
    expect((await call('/dsp/2025-1/x', bearer(await at(-70)))).status).toBe(404);
  });

  it('refuses a replayed token', async () => {
    const { authorization } = await dspAuthHeaders(a.node.context, 'default', didOf(b));
    expect((await call('/dsp/2025-1/x', authorization)).status).toBe(404);
    expect((await call('/dsp/2025-1/x', authorization)).status).toBe(401);
    expect(b.logs()).toMatch(/replayed/);
  });

  it('refuses a sender whose DID host is unknown or not allowed by the egress policy', async () => {
    const key = await generateParticipantKey('EdDSA');
    for (const did of ['did:web:no-such-host.invalid', 'did:web:10.255.255.1%3A9', 'did:web:127.0.0.1%3A1']) {
      const signer = await importSigningKey(did, key.privateJwk);
      const token = await signCounterpartyToken(signer, {
        audience: didOf(b),
        issuedAt: new Date(),
        jti: randomUUID(),
        ttlSeconds: 60,
      });
      expect((await call('/dsp/2025-1/x', bearer(token))).status, did).toBe(401);
    }
    expect(b.logs()).toMatch(/DID did:web:no-such-host\.invalid not resolved/);
  });

  it('refuses a token naming a DID that is not a did:web, or a key of another DID', async () => {
    const signer = await aSigner();
    const notWeb = { ...signer, did: 'did:key:z6Mk' };
    const otherKid = { ...signer, kid: `${didOf(a, 'kojo')}#${signer.kid.split('#')[1]}` };
    for (const s of [notWeb, otherKid]) {
      const token = await signCounterpartyToken(s, {
        audience: didOf(b),
        issuedAt: new Date(),
        jti: randomUUID(),
        ttlSeconds: 60,
      });
      expect((await call('/dsp/2025-1/x', bearer(token))).status).toBe(401);
    }
  });
});

describe('the tck profile', () => {
  let tck: TestNode;
  beforeAll(async () => {
    tck = await startTestNode({ profile: 'tck', tckAuthorization: '{"region":"any","clientId":"TCK"}' });
  });
  afterAll(async () => tck?.stop());

  it('accepts the static Authorization header as TCK_PARTICIPANT and nothing else', async () => {
    const post = async (authorization?: string) =>
      (
        await tck.node.app.inject({
          method: 'POST',
          url: '/dsp/2025-1/x',
          headers: authorization ? { authorization } : {},
        })
      ).statusCode;
    expect(await post('{"region":"any","clientId":"TCK"}')).toBe(404);
    expect(await post('{"region":"any","clientId":"other"}')).toBe(401);
    expect(await post()).toBe(401);
    const req = (authorization: string) =>
      ({ headers: { authorization }, params: {}, log: tck.node.context.logger }) as unknown as FastifyRequest;
    const verify = defaultVerifier(tck.node.context);
    expect(await verify(req('{"region":"any","clientId":"TCK"}'))).toEqual({ id: 'TCK_PARTICIPANT' });
    expect(await dspAuthHeaders(tck.node.context, 'default', 'TCK_PARTICIPANT')).toEqual({
      authorization: '{"region":"any","clientId":"TCK"}',
    });
  });
});
