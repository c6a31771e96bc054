import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { Agent, request } from 'undici';
import { registerClient } from '../apps/pact/clients.js';
import type { ProductFootprint } from '../apps/pact/index.js';
import { pactDb, putFootprint } from '../apps/pact/index.js';
import { createLogger, loadConfig, startNode } from '../node/index.js';
import { type Figure, latencies } from './measure.js';

const countries = ['JP', 'DE', 'FR', 'US', 'CN', 'KR', 'TH', 'VN'];

/** A deterministic ProductFootprint: 8 countries, 50 companies, 3 customers + public, a tenth deprecated. */
function generated(i: number): { footprint: ProductFootprint; audiences: string[] } {
  const hex = i.toString(16).padStart(12, '0');
  const start = Date.UTC(2024, i % 24, 1);
  return {
    footprint: {
      id: `00000000-0000-4000-8000-${hex}`,
      specVersion: '3.0.0',
      created: '2026-01-01T00:00:00Z',
      status: i % 10 === 0 ? 'Deprecated' : 'Active',
      validityPeriodStart: new Date(start).toISOString(),
      validityPeriodEnd: new Date(start + 365 * 86_400_000).toISOString(),
      companyName: `サプライヤー${i % 50}`,
      companyIds: [`urn:uuid:00000000-0000-4000-9000-${String(i % 50).padStart(12, '0')}`],
      productDescription: '部品',
      productIds: [`urn:gtin:49${String(i).padStart(11, '0')}`],
      productClassifications: [`urn:eclass:0173-1#01-${i % 40}#005`],
      productNameCompany: `部品${i}`,
      pcf: {
        declaredUnitOfMeasurement: 'kilogram',
        declaredUnitAmount: '1',
        productMassPerDeclaredUnit: '1',
        referencePeriodStart: '2024-01-01T00:00:00Z',
        referencePeriodEnd: '2024-12-31T00:00:00Z',
        geographyCountry: countries[i % countries.length] as string,
        pcfExcludingBiogenicUptake: '12.5',
        pcfIncludingBiogenicUptake: '12.1',
        fossilGhgEmissions: '12.0',
        fossilCarbonContent: '0.4',
        ipccCharacterizationFactors: ['AR6'],
        crossSectoralStandards: ['ISO14067'],
        exemptedEmissionsPercent: '0',
      },
    },
    audiences: [['customer-a', 'customer-b', 'customer-c', '*'][i % 4] as string],
  };
}

/**
 * The PACT floor: `GET /3/footprints` with filters over `count` footprints (10,000 for the floor, p50 ≤ 50 ms), over
 * HTTPS with a bearer token, entitlement and audit included — against the same list without filters.
 */
export async function pactFigures(count = 10_000): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'musubi-bench-pact-'));
  const flags = { port: 0, bind: '127.0.0.1', store: dir, logLevel: 'error' };
  const node = await startNode(loadConfig({ flags, env: {} }), {
    announce: () => {},
    logger: createLogger('error'),
  });
  const agent = new Agent({
    connect: { ca: [...rootCertificates, readFileSync(node.caFile ?? '', 'utf8')] },
  });
  try {
    const ctx = node.context;
    const participant = ctx.config.defaultParticipantId;
    const db = pactDb(ctx.db);
    const at = new Date();
    for (let start = 0; start < count; start += 500)
      await ctx.db.transaction().execute(async (trx) => {
        for (let i = start; i < Math.min(count, start + 500); i++) {
          const g = generated(i);
          await putFootprint(pactDb(trx), participant, g.footprint, g.audiences, at);
        }
      });
    const client = await registerClient(db, participant, 'customer-a', at);
    const basic = Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64');
    const tokenRes = await request(`${node.url}/pact/auth/token`, {
      method: 'POST',
      dispatcher: agent,
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    const token = ((await tokenRes.body.json()) as { access_token: string }).access_token;
    const get = async (query: string, expectAny: boolean) => {
      const res = await request(`${node.url}/pact/3/footprints${query}`, {
        dispatcher: agent,
        headers: { authorization: `Bearer ${token}` },
      });
      const body = (await res.body.json()) as { data?: unknown[] };
      if (res.statusCode !== 200 || (expectAny && !body.data?.length))
        throw new Error(
          `bench pact: ${query} answered ${res.statusCode} with ${body.data?.length ?? 0} footprints`,
        );
    };
    const filtered = '?geography=JP&geography=US&status=Active&validOn=2025-03-01T00:00:00Z&limit=50';
    const byProduct = `?productId=urn:gtin:49${String(Math.floor(count / 2)).padStart(11, '0')}&productId=urn:gtin:49${String(4).padStart(11, '0')}&companyId=urn:uuid:00000000-0000-4000-9000-000000000004`;
    const plain = await latencies(() => get('?limit=50', true), 200);
    const withFilters = await latencies(() => get(filtered, true), 200);
    const products = await latencies(() => get(byProduct, true), 200);
    const n = count.toLocaleString('en');
    return [
      {
        name: `pact: GET /3/footprints, geography+status+validOn, ${n} footprints, p50`,
        value: withFilters.p50,
        unit: 'ms',
        baseline: { name: 'the same list without filters, p50', value: plain.p50 },
        note: `floor p50 ≤ 50 ms; p95 ${withFilters.p95.toFixed(1)} ms; HTTPS, bearer token, entitlement, audit entry per request`,
      },
      {
        name: `pact: GET /3/footprints, productId OR + companyId, ${n} footprints, p50`,
        value: products.p50,
        unit: 'ms',
        note: `p95 ${products.p95.toFixed(1)} ms`,
      },
    ];
  } finally {
    await agent.close();
    await node.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
