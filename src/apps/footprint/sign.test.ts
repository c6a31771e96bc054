import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { SignatureInvalid } from './errors.js';
import { type FootprintSigningKey, signFootprint, verifyFootprint } from './sign.js';

async function key(
  alg: 'EdDSA' | 'ES256',
  kid: string,
): Promise<{ signing: FootprintSigningKey; publicJwk: JWK }> {
  const pair = await generateKeyPair(alg, {
    extractable: true,
    ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}),
  });
  return {
    signing: { kid, alg, privateJwk: await exportJWK(pair.privateKey) },
    publicJwk: { ...(await exportJWK(pair.publicKey)), kid, alg },
  };
}

const footprint = {
  id: 'f4b1225a-bd44-4c8e-861d-079e4e1dfd69',
  productNameCompany: '電池パック A',
  pcf: { pcfExcludingBiogenicUptake: '80.50', primaryDataShare: '57.14', declaredUnitOfMeasurement: 'piece' },
};

let b: Awaited<ReturnType<typeof key>>;
beforeAll(async () => {
  b = await key('EdDSA', 'supplier-b');
});

const b64 = (s: string) => Buffer.from(s).toString('base64url');

describe('signed footprints', () => {
  it('signs the canonical JSON, so member order does not matter and decimal strings survive', async () => {
    const jws = await signFootprint(footprint, b.signing);
    const reordered = await signFootprint(
      { pcf: { ...footprint.pcf }, productNameCompany: footprint.productNameCompany, id: footprint.id },
      b.signing,
    );
    expect(jws.split('.')[1]).toBe(reordered.split('.')[1]);
    const back = (await verifyFootprint(jws, b.publicJwk)) as typeof footprint;
    expect(back.pcf.pcfExcludingBiogenicUptake).toBe('80.50');
    expect(back).toEqual(footprint);
  });

  it('detects any altered byte of the signed document', async () => {
    const jws = await signFootprint(footprint, b.signing);
    const [header, payload, signature] = jws.split('.') as [string, string, string];
    const bytes = Buffer.from(payload, 'base64url');
    let rejected = 0;
    for (let i = 0; i < bytes.length; i++) {
      const altered = Buffer.from(bytes);
      altered[i] = (altered[i] as number) ^ 0x01;
      await expect(
        verifyFootprint(`${header}.${altered.toString('base64url')}.${signature}`, b.publicJwk),
      ).rejects.toThrow(SignatureInvalid);
      rejected++;
    }
    expect(rejected).toBe(bytes.length);
    const sig = Buffer.from(signature, 'base64url');
    sig[10] = (sig[10] as number) ^ 0x80;
    await expect(
      verifyFootprint(`${header}.${payload}.${sig.toString('base64url')}`, b.publicJwk),
    ).rejects.toThrow('does not verify');
  });

  it('rejects another key, another algorithm, another typ and a non-canonical payload', async () => {
    const other = await key('EdDSA', 'supplier-b');
    const jws = await signFootprint(footprint, b.signing);
    await expect(verifyFootprint(jws, other.publicJwk)).rejects.toThrow('does not verify');
    const es = await key('ES256', 'supplier-b');
    await expect(verifyFootprint(jws, es.publicJwk)).rejects.toThrow(SignatureInvalid);
    const [, payload, signature] = jws.split('.') as [string, string, string];
    const jwt = `${b64(JSON.stringify({ alg: 'EdDSA', kid: 'supplier-b', typ: 'JWT' }))}.${payload}.${signature}`;
    await expect(verifyFootprint(jwt, b.publicJwk)).rejects.toThrow('typ JWT');
    const { CompactSign, importJWK } = await import('jose');
    const loose = await new CompactSign(new TextEncoder().encode(JSON.stringify(footprint, null, 2)))
      .setProtectedHeader({ alg: 'EdDSA', kid: 'supplier-b', typ: 'musubi-footprint+jws' })
      .sign(await importJWK(b.signing.privateJwk, 'EdDSA'));
    await expect(verifyFootprint(loose, b.publicJwk)).rejects.toThrow('canonical');
  });
});
