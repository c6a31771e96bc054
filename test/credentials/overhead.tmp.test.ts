import { randomUUID } from 'node:crypto';
import { afterAll, it } from 'vitest';
import { signCounterpartyToken } from '../../src/dataspace/identity/index.js';
import { signerOf } from '../../src/node/counterparty.js';
import { credentialAccessToken } from '../../src/node/credentials/index.js';
import { loopbackNode } from '../dataspace/two-node-support.js';
import type { TestNode } from '../support/node.js';
import { issue, publishMembersOnlyOffer } from './support.js';

const nodes: TestNode[] = [];
afterAll(async () => {
  for (const n of nodes) await n.stop();
});

it('measures', async () => {
  const authority = await loopbackNode({ statusListMaxAgeS: 300, logLevel: 'warn' });
  const dcpConfig = {
    dcpScopes: ['MembershipCredential'],
    trustedIssuers: [`MembershipCredential=${authority.did}`],
    logLevel: 'warn',
  };
  const withDcp = await loopbackNode(dcpConfig);
  const without = await loopbackNode({ logLevel: 'warn' });
  const consumer = await loopbackNode({ logLevel: 'warn' });
  nodes.push(authority, withDcp, without, consumer);
  await publishMembersOnlyOffer(withDcp);
  await publishMembersOnlyOffer(without);
  await issue(authority, consumer.did);
  const ctx = consumer.node.context;
  const pid = ctx.config.defaultParticipantId;
  const signer = await signerOf(ctx, pid);
  async function once(target: typeof withDcp): Promise<number> {
    const accessToken = await credentialAccessToken(ctx, pid, signer, target.did);
    const token = await signCounterpartyToken(signer, {
      audience: target.did,
      issuedAt: new Date(),
      jti: randomUUID(),
      ttlSeconds: 60,
      ...(accessToken ? { accessToken } : {}),
    });
    const t0 = performance.now();
    const res = await fetch(`${target.node.url}/dsp/2025-1/catalog/request`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        '@context': ['https://w3id.org/dspace/2025/1/context.jsonld'],
        '@type': 'CatalogRequestMessage',
      }),
    });
    await res.text();
    if (res.status !== 200) throw new Error(`status ${res.status}`);
    return performance.now() - t0;
  }
  for (let i = 0; i < 30; i++) {
    await once(withDcp);
    await once(without);
  }
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < 300; i++) {
    a.push(await once(withDcp));
    b.push(await once(without));
  }
  const p50 = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? 0;
  const p90 = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length * 0.9)] ?? 0;
  console.log(
    JSON.stringify({
      dcpP50: p50(a),
      tokenOnlyP50: p50(b),
      addedP50: p50(a) - p50(b),
      dcpP90: p90(a),
      tokenP90: p90(b),
    }),
  );
}, 300_000);
