import { describe, expect, it } from 'vitest';
import { isLocalOnlyHost, unreachableDidWarning } from './reachability.js';

describe('isLocalOnlyHost', () => {
  it('flags loopback and unspecified hosts, with or without a port', () => {
    for (const h of [
      'localhost:8080',
      'LOCALHOST',
      'node.localhost',
      '127.0.0.1:9',
      '127.1.2.3',
      '[::1]:8080',
      '0.0.0.0',
    ])
      expect(isLocalOnlyHost(h), h).toBe(true);
  });

  it('leaves names and addresses others can reach alone, internationalised names included', () => {
    for (const h of [
      'supplier.example:8443',
      '工場.example',
      '192.168.1.20:8080',
      '203.0.113.7',
      '[2001:db8::1]',
    ])
      expect(isLocalOnlyHost(h), h).toBe(false);
  });

  it('names the DID and the host in its warning', () => {
    expect(unreachableDidWarning('did:web:localhost%3A8080', 'localhost:8080')).toMatch(
      /did:web:localhost%3A8080 is bound to localhost:8080, which other machines cannot reach/,
    );
    expect(unreachableDidWarning('did:web:maker.example', 'maker.example')).toBeUndefined();
  });
});
