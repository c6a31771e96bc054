import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Conformance, startConformance } from './harness.js';
import { expectMessage } from './peer/client.js';
import { catalog, type Json } from './peer/messages.js';
import { checkMessage } from './peer/schemas.js';

let c: Conformance;
beforeAll(async () => {
  c = await startConformance();
});
afterAll(async () => c?.stop());

/** Every dataset of the catalog, following the `Link: <…>; rel="next"` pages the binding defines. */
async function allDatasets(): Promise<Json[]> {
  const datasets: Json[] = [];
  let r = await c.client.post('/catalog/request', catalog.request());
  for (let page = 0; page < 100; page++) {
    const body = expectMessage(r, 200, 'Catalog');
    datasets.push(...((body.dataset as Json[] | undefined) ?? []));
    const next = /<([^>]+)>\s*;\s*rel="?next"?/.exec(r.headers.get('link') ?? '')?.[1];
    if (!next) return datasets;
    const url = new URL(next, c.client.dspBase);
    r = await c.client.post(`/catalog/request${url.search}`, catalog.request());
  }
  throw new Error('the catalog did not end within 100 pages');
}

describe('CAT_01: catalog request scenarios', () => {
  it('CAT:01-01: Verify catalog request', async () => {
    const datasets = await allDatasets();
    const dataset = datasets.find((d) => d['@id'] === 'CAT0101');
    expect(dataset).toBeDefined();
    // Each dataset carries the offers a consumer can negotiate (odrl:hasPolicy), under the TCK's ids.
    const offers = ((dataset?.hasPolicy as Json[] | undefined) ?? []).map((o) => o['@id']);
    expect(offers).toContain('CD123:CAT0101:456');
    expect(datasets.map((d) => d['@id'])).toEqual(expect.arrayContaining(['CAT0102', 'ACN0101', 'ACN0304']));
  });

  it('CAT:01-02: Verify dataset request', async () => {
    const dataset = expectMessage(await c.client.get('/catalog/datasets/CAT0102'), 200, 'Dataset');
    expect(dataset['@id']).toBe('CAT0102');
  });

  it('CAT:01-03: Verify dataset request not found', async () => {
    const r = await c.client.get('/catalog/datasets/CAT0103');
    expect(r.status).toBe(404);
    checkMessage(r.body, 'CatalogError');
  });
});
