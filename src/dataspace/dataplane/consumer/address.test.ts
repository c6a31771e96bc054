import { describe, expect, it } from 'vitest';
import { edrOf, expiryOf, needsRefresh, noExpiry, withoutSecrets } from './address.js';
import { refreshOutcome } from './refresh.js';

const at = new Date('2026-04-01T09:00:00.000Z');
const address = {
  endpointType: 'https://w3id.org/idsa/v4.1/HTTP',
  endpoint: 'https://供給者.example/data/transfers/t-1',
  endpointProperties: [
    { name: 'authorization', value: 'アクセス' },
    { name: 'authType', value: 'bearer' },
    { name: 'expiresIn', value: '300' },
    { name: 'refreshToken', value: 'リフレッシュ' },
    { name: 'refreshEndpoint', value: 'https://供給者.example/data/token' },
  ],
};

describe('edrOf', () => {
  it('reads endpoint, tokens and the expiry instant from the start’s DataAddress', () => {
    expect(edrOf(address, at)).toEqual({
      endpoint: 'https://供給者.example/data/transfers/t-1',
      accessToken: 'アクセス',
      expiresAt: '2026-04-01T09:05:00.000Z',
      refreshToken: 'リフレッシュ',
      refreshEndpoint: 'https://供給者.example/data/token',
    });
  });
  it('is undefined without a token or an endpoint (a push start)', () => {
    expect(edrOf({ endpointType: 'x', endpoint: 'https://a.example/' }, at)).toBeUndefined();
    expect(edrOf({ endpointType: 'x', endpointProperties: address.endpointProperties }, at)).toBeUndefined();
  });
  it('keeps no expiry for a missing or malformed expiresIn', () => {
    expect(expiryOf(undefined, at)).toBe(noExpiry);
    expect(expiryOf('三百', at)).toBe(noExpiry);
    expect(expiryOf('-1', at)).toBe(noExpiry);
    expect(expiryOf(0, at)).toBe(at.toISOString());
  });
});

describe('withoutSecrets', () => {
  it('drops the access and refresh tokens, keeps the rest', () => {
    expect(withoutSecrets(address).endpointProperties?.map((p) => p.name)).toEqual([
      'authType',
      'expiresIn',
      'refreshEndpoint',
    ]);
  });
});

describe('needsRefresh', () => {
  it('is true within the margin of expiry and after it', () => {
    expect(needsRefresh('2026-04-01T09:05:00.000Z', at, 30_000)).toBe(false);
    expect(needsRefresh('2026-04-01T09:00:30.000Z', at, 30_000)).toBe(true);
    expect(needsRefresh('2026-04-01T08:59:00.000Z', at, 30_000)).toBe(true);
  });
});

describe('refreshOutcome', () => {
  it('reads new tokens from a 200', () => {
    expect(
      refreshOutcome(
        200,
        JSON.stringify({ access_token: 'a2', token_type: 'Bearer', expires_in: 60, refresh_token: 'r2' }),
      ),
    ).toEqual({ kind: 'refreshed', tokens: { accessToken: 'a2', refreshToken: 'r2', expiresIn: 60 } });
  });
  it('is a refusal on invalid_grant, naming it', () => {
    expect(
      refreshOutcome(
        400,
        JSON.stringify({ error: 'invalid_grant', error_description: '転送は終了しました' }),
      ),
    ).toEqual({ kind: 'refused', code: 'invalid_grant', reason: '転送は終了しました' });
    expect(refreshOutcome(401, '')).toEqual({ kind: 'refused', code: 'http-401', reason: '' });
  });
  it('is a failure worth retrying on 5xx or an unreadable 200', () => {
    expect(refreshOutcome(503, '')).toEqual({ kind: 'failed', why: 'HTTP 503' });
    expect(refreshOutcome(200, 'not json').kind).toBe('failed');
  });
});
