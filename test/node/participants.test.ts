import { statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { SealBroken, sealPrivateJwk, unsealPrivateJwk } from '../../src/dataspace/identity/index.js';
import { createParticipant, isValidCorporateNumber, privateKeyOf } from '../../src/node/index.js';
import { listParticipantKeys } from '../../src/store/index.js';
import { startTestNode, type TestNode } from '../support/node.js';

let t: TestNode | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

describe('participants', () => {
  it('accepts real 法人番号 and rejects a wrong check digit or length', () => {
    expect(isValidCorporateNumber('7000012050002')).toBe(true); // 国税庁
    expect(isValidCorporateNumber('8000012050002')).toBe(false);
    expect(isValidCorporateNumber('700001205000')).toBe(false);
    expect(isValidCorporateNumber('７000012050002')).toBe(false);
  });

  it('seals private keys in the database so only the node secret opens them', async () => {
    t = await startTestNode();
    const deps = t.node.context.participants;
    const [key] = await listParticipantKeys(deps.db, 'default');
    expect(key?.private_sealed).toMatch(/^v1\./);
    expect(key?.private_file).toBeNull();
    const jwk = await privateKeyOf(deps, 'default', key!.kid);
    expect(jwk.d).toBeTypeOf('string');
    expect(() => unsealPrivateJwk(key!.private_sealed!, 'another-secret-of-sufficient-length-0000')).toThrow(
      SealBroken,
    );
    expect(statSync(`${t.store}/node.secret`).mode & 0o777).toBe(0o600);
    expect(sealPrivateJwk(jwk, 's')).not.toContain(String(jwk.d));
  });

  it('keeps private keys in 0600 files when keyStorage is files', async () => {
    t = await startTestNode({ keyStorage: 'files' });
    const deps = t.node.context.participants;
    const keys = await listParticipantKeys(deps.db, 'default');
    expect(keys).toHaveLength(2);
    for (const k of keys) {
      expect(k.private_sealed).toBeNull();
      expect(statSync(k.private_file!).mode & 0o777).toBe(0o600);
      expect((await privateKeyOf(deps, 'default', k.kid)).kid).toBe(k.kid);
    }
  });

  it('refuses an id that cannot be a URL segment, a bad corporate number and a duplicate', async () => {
    t = await startTestNode();
    const deps = t.node.context.participants;
    await expect(createParticipant(deps, { id: 'Has Space', name: 'x' }, 'test')).rejects.toMatchObject({
      code: 'participant.invalid-id',
      kind: 'invalid',
    });
    await expect(
      createParticipant(deps, { id: 'ok', name: 'x', corporateNumber: '123' }, 'test'),
    ).rejects.toMatchObject({
      code: 'participant.invalid-corporate-number',
    });
    await expect(createParticipant(deps, { id: 'default', name: 'x' }, 'test')).rejects.toMatchObject({
      code: 'participant.exists',
      kind: 'conflict',
    });
  });
});
