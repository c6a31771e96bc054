import { describe, expect, it } from 'vitest';
import { type Hop, isRedirect, redirectedHop, redirectTarget } from './redirect.js';

const post: Hop = {
  method: 'POST',
  headers: { authorization: 'Bearer t', cookie: 'a=b', 'content-type': 'application/json', accept: '*/*' },
  body: '{"件名":"点検"}',
};

describe('isRedirect', () => {
  it('is a redirect only for 301/302/303/307/308 with a Location', () => {
    expect(isRedirect(302, '/next')).toBe(true);
    expect(isRedirect(308, 'https://a.example/')).toBe(true);
    expect(isRedirect(304, '/next')).toBe(false);
    expect(isRedirect(302, undefined)).toBe(false);
    expect(isRedirect(302, '')).toBe(false);
    expect(isRedirect(200, '/next')).toBe(false);
  });
});

describe('redirectTarget', () => {
  const from = new URL('https://dsp.partner.example/dsp/2025-1/catalog');

  it('resolves relative locations against the current URL', () => {
    expect(redirectTarget(from, '../v2/カタログ').href).toBe(
      'https://dsp.partner.example/dsp/v2/%E3%82%AB%E3%82%BF%E3%83%AD%E3%82%B0',
    );
  });

  it('refuses non-http schemes and https to http downgrades', () => {
    expect(() => redirectTarget(from, 'file:///etc/passwd')).toThrow(
      expect.objectContaining({ code: 'outbound.bad-redirect' }),
    );
    expect(() => redirectTarget(from, 'http://dsp.partner.example/')).toThrow(/downgrade/);
    expect(redirectTarget(new URL('http://a.example/'), 'https://b.example/').protocol).toBe('https:');
  });

  it('refuses a Location that is not a URL', () => {
    expect(() => redirectTarget(from, 'http://[::1')).toThrow(
      expect.objectContaining({ code: 'outbound.bad-redirect' }),
    );
  });
});

describe('redirectedHop', () => {
  it('keeps method, body and credentials on a same-origin 307/308', () => {
    expect(redirectedHop(post, 307, true)).toEqual(post);
    expect(redirectedHop(post, 308, true)).toEqual(post);
  });

  it('drops credentials but keeps the body on a cross-origin 307', () => {
    const next = redirectedHop(post, 307, false);
    expect(next.method).toBe('POST');
    expect(next.body).toBe(post.body);
    expect(next.headers).toEqual({ 'content-type': 'application/json', accept: '*/*' });
  });

  it('turns POST into a body-less GET on 301, 302 and 303', () => {
    for (const status of [301, 302, 303]) {
      const next = redirectedHop(post, status, true);
      expect(next, String(status)).toEqual({
        method: 'GET',
        headers: { authorization: 'Bearer t', cookie: 'a=b', accept: '*/*' },
        body: undefined,
      });
    }
  });

  it('turns PUT into GET on 303 only, and leaves HEAD as HEAD', () => {
    const put: Hop = { ...post, method: 'PUT' };
    expect(redirectedHop(put, 303, true).method).toBe('GET');
    expect(redirectedHop(put, 302, true).method).toBe('PUT');
    expect(redirectedHop({ ...post, method: 'HEAD', body: undefined }, 303, true).method).toBe('HEAD');
  });
});
