import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { insertOffer } from '../dataspace/catalog/index.js';
import { participantDid } from '../dataspace/identity/index.js';
import { insertPolicy } from '../dataspace/policy/index.js';
import { dspContext } from '../dataspace/protocol/index.js';
import { dspAuthHeaders } from '../node/counterparty.js';
import { createLogger, loadConfig, type RunningNode, startNode } from '../node/index.js';
import type { Database } from '../store/index.js';
import type { Figure } from './measure.js';

type Db = Database['db'];

interface BenchNode {
  readonly node: RunningNode;
  readonly apiKey: string;
  readonly did: string;
  readonly dir: string;
}

/** A node on a free loopback port, plain HTTP, its store in a temp dir, allowed to call loopback peers. */
async function benchNode(): Promise<BenchNode> {
  const dir = mkdtempSync(join(tmpdir(), 'musubi-bench-catalog-'));
  const lines: string[] = [];
  const loaded = loadConfig({
    flags: {
      port: 0,
      bind: '127.0.0.1',
      store: dir,
      plainHttp: true,
      outboundAllow: ['127.0.0.1'],
      logLevel: 'error',
    },
    env: {},
  });
  const node = await startNode(loaded, { announce: (l) => lines.push(l), logger: createLogger('error') });
  const apiKey = lines.join('\n').match(/msk_\S+/)?.[0] ?? '';
  const ctx = node.context;
  return { node, apiKey, did: participantDid(ctx.publicHost(), ctx.config.defaultParticipantId, true), dir };
}

/**
 * The catalog floor: 100,000 datasets on the provider, read by a consumer node through its management API
 * (catalog request over loopback, signed token verified, visibility per access policy, keyset pages in SQL).
 */
export async function seedCatalog(
  db: Db,
  participantId: string,
  datasets: number,
  consumerDid: string,
): Promise<void> {
  const at = new Date().toISOString();
  const batch = 500;
  for (let start = 0; start < datasets; start += batch) {
    const ids = Array.from(
      { length: Math.min(batch, datasets - start) },
      (_, i) => `ds-${String(start + i).padStart(6, '0')}`,
    );
    await db.transaction().execute(async (tx) => {
      await tx
        .insertInto('assets')
        .values(
          ids.map((id, i) => ({
            participant_id: participantId,
            id,
            title: `部品表 ${start + i}`,
            description: '二次サプライヤーの部品構成とカーボンフットプリント',
            content_type: i % 2 ? 'text/csv' : 'application/json',
            keywords: JSON.stringify(['部品表']),
            properties: '{}',
            data_address: JSON.stringify({ type: 'HttpData', baseUrl: `https://internal.example/${id}` }),
            created_at: at,
            updated_at: at,
          })),
        )
        .execute();
      await tx
        .insertInto('asset_keywords')
        .values(ids.map((id) => ({ participant_id: participantId, asset_id: id, keyword: '部品表' })))
        .execute();
    });
  }
  const policy = (id: string, permission: object[]) =>
    insertPolicy(db, participantId, { id, title: id, permission, createdAt: at, updatedAt: at } as never);
  await policy('anyone', [{ action: 'use' }]);
  await policy('consumer', [
    {
      action: 'use',
      constraint: [{ leftOperand: 'participantId', operator: 'eq', rightOperand: consumerDid }],
    },
  ]);
  await policy('nobody', [
    {
      action: 'use',
      constraint: [{ leftOperand: 'participantId', operator: 'eq', rightOperand: 'did:web:other' }],
    },
  ]);
  await policy('terms', [
    { action: 'use', constraint: [{ leftOperand: 'purpose', operator: 'eq', rightOperand: '品質保証' }] },
  ]);
  const offer = (id: string, accessPolicyId: string, selector: object) =>
    insertOffer(db, participantId, {
      id,
      accessPolicyId,
      contractPolicyId: 'terms',
      selector,
      createdAt: at,
      updatedAt: at,
    });
  // Visible through a keyword selector (the EXISTS path, not the every-asset shortcut), plus a partner-only
  // offer on 1,000 assets and an every-asset offer the consumer may not see.
  await offer('bom', 'anyone', { keywords: ['部品表'] });
  await offer('partner', 'consumer', {
    assetIds: Array.from({ length: 1000 }, (_, i) => `ds-${String(i * 100).padStart(6, '0')}`),
  });
  await offer('hidden', 'nobody', { all: true });
}

interface Page {
  readonly datasets: number;
  readonly next?: string;
}

export async function catalogFigures(datasets = 100_000): Promise<Figure[]> {
  const provider = await benchNode();
  const consumer = await benchNode();
  try {
    const p = provider.node.context;
    await seedCatalog(p.db, p.config.defaultParticipantId, datasets, consumer.did);
    const request = async (page?: string): Promise<Page> => {
      const res = await fetch(`${consumer.node.url}/management/v1/catalog/request`, {
        method: 'POST',
        headers: { 'x-api-key': consumer.apiKey, 'content-type': 'application/json' },
        body: JSON.stringify({
          counterpartyAddress: provider.node.url,
          counterpartyId: provider.did,
          ...(page ? { page } : {}),
        }),
      });
      const body = (await res.json()) as { catalog?: { dataset?: unknown[] }; next?: string };
      if (res.status !== 200)
        throw new Error(`catalog request answered ${res.status}: ${JSON.stringify(body)}`);
      return { datasets: body.catalog?.dataset?.length ?? 0, ...(body.next ? { next: body.next } : {}) };
    };

    // Walk every page once: proves the catalog is complete and finds the last page's token.
    const walkStart = performance.now();
    let seen = 0;
    let pages = 0;
    let last: string | undefined;
    for (let page: Page = await request(); ; ) {
      seen += page.datasets;
      pages++;
      if (!page.next) break;
      last = page.next;
      page = await request(page.next);
    }
    const walkSeconds = (performance.now() - walkStart) / 1000;
    if (seen !== datasets) throw new Error(`the catalog walk saw ${seen} datasets, not ${datasets}`);

    // The DSP request alone, as the consumer node signs it, straight to the provider's endpoint.
    const c = consumer.node.context;
    const message = JSON.stringify({ '@context': [dspContext], '@type': 'CatalogRequestMessage' });
    const direct = async (page?: string): Promise<Page> => {
      const headers = await dspAuthHeaders(c, c.config.defaultParticipantId, provider.did);
      const query = page ? new URL(page).search : '';
      const res = await fetch(`${provider.node.url}/dsp/2025-1/catalog/request${query}`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: message,
      });
      const body = (await res.json()) as { dataset?: unknown[] };
      if (res.status !== 200) throw new Error(`catalog request answered ${res.status}`);
      return { datasets: body.dataset?.length ?? 0 };
    };

    const p50 = async (op: (page?: string) => Promise<Page>, page?: string) => {
      for (let i = 0; i < 10; i++) await op(page);
      const samples: number[] = [];
      for (let i = 0; i < 100; i++) {
        const t = performance.now();
        if ((await op(page)).datasets !== 100) throw new Error('a page held fewer than 100 datasets');
        samples.push(performance.now() - t);
      }
      samples.sort((a, b) => a - b);
      return { p50: samples[50] ?? 0, p95: samples[95] ?? 0 };
    };
    const first = await p50(request);
    const lastPage = await p50(request, last);
    const firstDirect = await p50(direct);
    const lastDirect = await p50(direct, last);
    const n = datasets.toLocaleString('en');
    return [
      {
        name: `dataspace: catalog of ${n} datasets, first page of 100, p50 (consumer node → provider node, loopback, SQLite)`,
        value: first.p50,
        unit: 'ms',
        note: `p95 ${first.p95.toFixed(1)} ms; floor ≤ 100 ms; through the consumer's management API, signed token verified`,
      },
      {
        name: `dataspace: catalog of ${n} datasets, last page, p50`,
        value: lastPage.p50,
        unit: 'ms',
        baseline: { name: 'first page', value: first.p50 },
        note: `p95 ${lastPage.p95.toFixed(1)} ms; floor ≤ 2× the first page (keyset continuation tokens)`,
      },
      {
        name: `dataspace: catalog of ${n} datasets, first page of 100 as a DSP request alone, p50`,
        value: firstDirect.p50,
        unit: 'ms',
        note: `p95 ${firstDirect.p95.toFixed(1)} ms; signed by the consumer node, verified and answered by the provider`,
      },
      {
        name: `dataspace: catalog of ${n} datasets, last page as a DSP request alone, p50`,
        value: lastDirect.p50,
        unit: 'ms',
        baseline: { name: 'first page', value: firstDirect.p50 },
        note: `p95 ${lastDirect.p95.toFixed(1)} ms`,
      },
      {
        name: `dataspace: whole catalog of ${n} datasets walked page by page`,
        value: walkSeconds,
        unit: 's',
        note: `${pages} pages of 100, every dataset seen once`,
      },
    ];
  } finally {
    await consumer.node.close();
    await provider.node.close();
    rmSync(consumer.dir, { recursive: true, force: true });
    rmSync(provider.dir, { recursive: true, force: true });
  }
}
