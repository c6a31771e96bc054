import { decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dspAuthHeaders } from '../../src/node/counterparty.js';
import { publishOffer } from '../dataspace/two-node-support.js';
import { runCli } from '../support/cli.js';
import { clockedNode, testClock } from '../support/clocked-node.js';
import { overTls, testFetch } from '../support/node.js';

type Node = Awaited<ReturnType<typeof clockedNode>>;
interface DidDoc {
  verificationMethod: { id: string }[];
  authentication: string[];
  service?: { id: string; type: string; serviceEndpoint: string }[];
}

/**
 * Key rotation under load, over HTTPS: a consumer keeps sending signed DSP requests (catalog requests) while its
 * key is rotated and the new key takes over; not one request may fail, and a token signed with the old key before
 * the switch still verifies. The hand clock moves time past the activation delay and the grace period.
 */
describe('participant key rotation without downtime', () => {
  const clock = testClock();
  let provider: Node;
  let consumer: Node;

  beforeAll(async () => {
    provider = await clockedNode(clock, overTls);
    consumer = await clockedNode(clock, { ...overTls, keyActivationDelayS: 60, keyGracePeriodS: 600 });
    await publishOffer(provider);
  });
  afterAll(async () => {
    await consumer?.stop();
    await provider?.stop();
  });

  const didDoc = async (n: Node) =>
    (await (await testFetch(`${n.node.url}/.well-known/did.json`)).json()) as DidDoc;
  const kidOf = (authorization: string) => String(decodeProtectedHeader(authorization.slice(7)).kid);

  it('lists the DSP endpoint as a DataService pointing at the version metadata, beside the DCP services', async () => {
    const doc = await didDoc(provider);
    expect(doc.service).toEqual([
      {
        id: `${provider.did}#dsp`,
        type: 'DataService',
        serviceEndpoint: `${provider.node.url}/.well-known/dspace-version`,
      },
      {
        id: `${provider.did}#credential-service`,
        type: 'CredentialService',
        serviceEndpoint: `${provider.node.url}/dcp`,
      },
      {
        id: `${provider.did}#issuer-service`,
        type: 'IssuerService',
        serviceEndpoint: `${provider.node.url}/dcp/issuer`,
      },
    ]);
    const versions = await testFetch(doc.service?.[0]?.serviceEndpoint ?? '');
    expect(((await versions.json()) as { protocolVersions: unknown[] }).protocolVersions).toHaveLength(1);
  });

  it('keeps every concurrent signed request working through a rotation; old tokens still verify', async () => {
    const statuses: number[] = [];
    const catalogRequest = async () => {
      const res = await testFetch(`${consumer.node.url}/management/v1/catalog/request`, {
        method: 'POST',
        headers: { 'x-api-key': consumer.apiKey, 'content-type': 'application/json' },
        body: JSON.stringify({ counterpartyAddress: provider.node.url, counterpartyId: provider.did }),
      });
      await res.text();
      return res.status;
    };
    expect(await catalogRequest()).toBe(200); // the provider has now cached the consumer's DID document
    const oldToken =
      (await dspAuthHeaders(consumer.node.context, 'default', provider.did)).authorization ?? '';
    const oldKid = kidOf(oldToken);

    let stop = false;
    const worker = async () => {
      while (!stop) statuses.push(await catalogRequest());
    };
    const load = Promise.all([worker(), worker(), worker(), worker()]);
    const reach = async (n: number) => {
      const until = Date.now() + 60_000;
      while (statuses.length < n && Date.now() < until) await new Promise((r) => setImmediate(r));
    };
    try {
      await reach(8);
      const rotated = await testFetch(`${consumer.node.url}/management/v1/participant/keys/rotate`, {
        method: 'POST',
        headers: { 'x-api-key': consumer.apiKey, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(rotated.status).toBe(201);
      const { kids } = (await rotated.json()) as { kids: string[] };
      // Published at once, not yet signing: peers learn the new key before they ever see it.
      const during = await didDoc(consumer);
      expect(during.authentication).toHaveLength(4);
      expect(during.authentication.map((a) => a.split('#')[1])).toEqual(expect.arrayContaining(kids));
      await reach(statuses.length + 8);
      expect(
        kidOf((await dspAuthHeaders(consumer.node.context, 'default', provider.did)).authorization ?? ''),
      ).toBe(oldKid);

      clock.advance(61_000); // past the activation delay: the new key signs
      await reach(statuses.length + 16);
      const fresh =
        (await dspAuthHeaders(consumer.node.context, 'default', provider.did)).authorization ?? '';
      expect(kids.some((k) => kidOf(fresh).endsWith(`#${k}`))).toBe(true);
    } finally {
      stop = true;
      await load;
    }
    expect(statuses.length).toBeGreaterThanOrEqual(33);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(provider.logs()).not.toMatch(/counterparty refused/);

    // A token signed with the old key before the switch is still accepted by the provider.
    const old = await testFetch(`${provider.node.url}/dsp/2025-1/catalog/request`, {
      method: 'POST',
      headers: { authorization: oldToken, 'content-type': 'application/json' },
      body: JSON.stringify({
        '@context': ['https://w3id.org/dspace/2025/1/context.jsonld'],
        '@type': 'CatalogRequestMessage',
        filter: [],
      }),
    });
    expect(old.status, await old.text()).toBe(200);
  });

  it('drops the replaced key from the DID document after the grace period, and says so in the key list', async () => {
    clock.advance(601_000);
    const doc = await didDoc(consumer);
    expect(doc.authentication).toHaveLength(2);
    const me = await testFetch(`${consumer.node.url}/management/v1/participant`, {
      headers: { 'x-api-key': consumer.apiKey },
    });
    const { keys } = (await me.json()) as { keys: { status: string }[] };
    expect(keys.map((k) => k.status).sort()).toEqual(['active', 'active', 'retired', 'retired']);
  });

  it('rotates offline from the CLI, refusing a bad delay in one line', async () => {
    const args = ['participant', 'rotate-key', 'default', '--store', consumer.store];
    const bad = await runCli([...args, '--activate-in', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('musubi: --activate-in must be whole seconds, got soon\n');
    const ok = await runCli([...args, '--activate-in', '0', '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    const { kids } = JSON.parse(ok.stdout) as { kids: string[] };
    expect((await didDoc(consumer)).authentication.map((a) => a.split('#')[1])).toEqual(
      expect.arrayContaining(kids),
    );
  });
});
