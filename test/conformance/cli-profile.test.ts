import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath, type SpawnedNode, spawnCli } from '../support/cli.js';
import { tckAuthorization } from './harness.js';
import { expectMessage, NodeClient } from './peer/client.js';
import { catalog, type Json, negotiation } from './peer/messages.js';
import { TestPeer } from './peer/peer.js';
import { versionErrors } from './peer/schemas.js';

/**
 * `musubi node start --profile tck` as an operator runs it before pointing the official TCK at it: the CLI
 * in its own process, reached only over HTTP. A restart on the same store keeps the fixtures as they were.
 */
const store = mkdtempSync(join(tmpdir(), 'musubi-tck-cli-'));
let peer: TestPeer;

async function start(): Promise<{ node: SpawnedNode; client: NodeClient }> {
  const node = spawnCli(process.execPath, [cliPath, 'node', 'start', '--profile', 'tck'], {
    env: { MUSUBI_PORT: '0', MUSUBI_STORE: store, MUSUBI_OUTBOUND_ALLOW: '127.0.0.1,localhost' },
  });
  const [, url] = await node.waitFor(/listening on (http:\/\/\S+)/);
  return { node, client: new NodeClient(`${url}/dsp/2025-1`, url as string, tckAuthorization) };
}

async function stop(node: SpawnedNode): Promise<void> {
  node.signal('SIGTERM');
  await node.exited;
}

async function datasetIds(client: NodeClient): Promise<string[]> {
  const body = expectMessage(await client.post('/catalog/request', catalog.request()), 200, 'Catalog');
  return ((body.dataset as Json[] | undefined) ?? []).map((d) => String(d['@id']));
}

beforeAll(async () => {
  peer = await new TestPeer().start();
  peer.on(/^\/negotiations\/[^/]+\/(offers|agreement|events|termination)$/, () => ({ status: 200 }));
});
afterAll(async () => {
  await peer?.stop();
  rmSync(store, { recursive: true, force: true });
});

describe('musubi node start --profile tck', () => {
  it('serves the seeded fixtures and the scripts, and keeps them across a restart', async () => {
    const first = await start();
    let ids: string[];
    try {
      const version = await first.client.get('/.well-known/dspace-version', first.client.baseUrl);
      expect(versionErrors(version.body)).toEqual([]);
      ids = await datasetIds(first.client);
      expect(ids).toEqual(expect.arrayContaining(['CAT0101', 'CAT0102', 'ACN0101', 'ACN0304']));
      expect(ids).not.toContain('CAT0103');

      // ACN0104's script: agree at once, finalize once verified (CN:01-04).
      const consumerPid = `urn:uuid:${randomUUID()}`;
      const request = negotiation.request({
        consumerPid,
        offerId: 'CD123:ACN0104:456',
        target: 'ACN0104',
        callbackAddress: peer.address,
      });
      const ack = expectMessage(
        await first.client.post('/negotiations/request', request),
        201,
        'ContractNegotiation',
      );
      const pids = { providerPid: String(ack.providerPid), consumerPid };
      await peer.next('ContractAgreementMessage', (m) => m.body.consumerPid === consumerPid);
      const verified = await first.client.post(
        `/negotiations/${pids.providerPid}/agreement/verification`,
        negotiation.verification(pids),
      );
      expect(verified.status, verified.text).toBe(200);
      const event = await peer.next(
        'ContractNegotiationEventMessage',
        (m) => m.body.consumerPid === consumerPid,
      );
      expect(event.body.eventType).toBe('FINALIZED');
      expect(peer.violations).toEqual([]);
    } finally {
      await stop(first.node);
    }

    const second = await start();
    try {
      expect((await datasetIds(second.client)).sort()).toEqual(ids.sort());
      // Without the TCK's header the protocol scope stays closed, profile or not.
      const anonymous = await fetch(`${second.client.dspBase}/catalog/request`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(catalog.request()),
      });
      expect(anonymous.status).toBe(401);
    } finally {
      await stop(second.node);
    }
  });
});
