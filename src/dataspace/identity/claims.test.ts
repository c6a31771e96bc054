import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ClaimsFileInvalid, readClaimsFile, staticClaimsSource } from './claims.js';

describe('claims sources', () => {
  it('yields the configured claims of a counterparty and nothing for strangers', async () => {
    const source = staticClaimsSource({
      'did:web:supplier.example': { membership: 'active', country: 'JP', 業種: '製造業' },
    });
    expect(await source.claimsFor('did:web:supplier.example')).toEqual({
      subject: 'did:web:supplier.example',
      issuer: 'static-config',
      claims: { membership: 'active', country: 'JP', 業種: '製造業' },
    });
    expect((await source.claimsFor('did:web:stranger.example')).claims).toEqual({});
    expect((await source.claimsFor('__proto__')).claims).toEqual({});
  });

  it('cannot be changed by mutating the table it was built from or the claims it returned', async () => {
    const table = { a: { role: 'buyer' } };
    const source = staticClaimsSource(table);
    table.a.role = 'admin';
    const first = await source.claimsFor('a');
    expect(() => {
      (first.claims as Record<string, unknown>).role = 'admin';
    }).toThrow(TypeError);
    expect((await source.claimsFor('a')).claims.role).toBe('buyer');
  });

  it('reads a claims file and names a malformed one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'musubi-claims-'));
    writeFileSync(join(dir, 'ok.json'), JSON.stringify({ 'did:web:x': { membership: 'active' } }));
    expect((await readClaimsFile(join(dir, 'ok.json')).claimsFor('did:web:x')).claims).toEqual({
      membership: 'active',
    });
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ 'did:web:x': 'active' }));
    expect(() => readClaimsFile(join(dir, 'bad.json'))).toThrow(ClaimsFileInvalid);
    expect(() => readClaimsFile(join(dir, 'missing.json'))).toThrow(/claims file .*missing\.json/);
  });
});
