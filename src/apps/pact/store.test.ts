import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase, testEngines } from '../../../test/support/engines.js';
import type { Database } from '../../store/index.js';
import { entitled, matches } from './filters.js';
import type { FootprintFilters, ProductFootprint } from './model.js';
import { findFootprint, listFootprints, pactDb, putFootprint } from './store.js';

/** A small deterministic generator, so a failure names a reproducible case. */
function lcg(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

const products = ['urn:gtin:1', 'urn:gtin:2', 'urn:gtin:3', 'URN:GTIN:4'];
const companies = ['urn:pact:company:jp:houjin-bangou:5010001000001', 'urn:uuid:b'];
const countries = ['JP', 'DE', 'FR'];
const customers = ['ume', 'sakura', '*'];

function generated(n: number, rand: () => number) {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)] as T;
  return Array.from({ length: n }, (_, i) => {
    const start = Date.UTC(2024, Math.floor(rand() * 24), 1);
    const footprint = {
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      specVersion: '3.0.0',
      created: '2026-01-01T00:00:00Z',
      status: rand() < 0.2 ? 'Deprecated' : 'Active',
      validityPeriodStart: new Date(start).toISOString(),
      validityPeriodEnd: new Date(start + Math.floor(rand() * 400) * 86_400_000).toISOString(),
      companyName: '梅田製作所',
      companyIds: [pick(companies)],
      productDescription: '部品',
      productIds: rand() < 0.3 ? [pick(products), pick(products)] : [pick(products)],
      productClassifications: [`urn:eclass:${Math.floor(rand() * 3)}`],
      productNameCompany: '部品',
      pcf: { referencePeriodEnd: '2025-12-31T00:00:00Z', geographyCountry: pick(countries) },
    } as unknown as ProductFootprint;
    return { footprint, audiences: [pick(customers)] };
  });
}

function filtersFrom(rand: () => number): FootprintFilters {
  const f: Record<string, unknown> = {};
  if (rand() < 0.4) f.productId = [products[Math.floor(rand() * 4)]?.toLowerCase(), 'urn:none'];
  if (rand() < 0.3) f.companyId = [companies[Math.floor(rand() * 2)]];
  if (rand() < 0.3) f.geography = [countries[Math.floor(rand() * 3)]?.toLowerCase()];
  if (rand() < 0.2) f.classification = [`URN:ECLASS:${Math.floor(rand() * 3)}`];
  if (rand() < 0.3) f.status = [rand() < 0.5 ? 'active' : 'Deprecated'];
  const day = () =>
    new Date(Date.UTC(2024, Math.floor(rand() * 30), 1 + Math.floor(rand() * 27))).toISOString();
  if (rand() < 0.3) f.validOn = day();
  if (rand() < 0.2) f.validAfter = day();
  if (rand() < 0.2) f.validBefore = day();
  return f;
}

for (const engine of testEngines()) {
  describe(`PACT footprint store on ${engine}`, () => {
    let tdb: TestDatabase;
    let database: Database;
    const at = new Date('2026-12-01T00:00:00Z');

    beforeEach(async () => {
      tdb = await freshDatabase(engine);
      database = await tdb.open();
      await database.db
        .insertInto('participants')
        .values({ id: 'ume', name: '梅田製作所', corporate_number: null, created_at: at.toISOString() })
        .execute();
    });
    afterEach(async () => {
      await database.close();
      await tdb.dispose();
    });

    it('lists exactly what the reference matcher and entitlement select, page by page in id order', async () => {
      const rand = lcg(7);
      const all = generated(60, rand);
      const db = pactDb(database.db);
      for (const p of all) await putFootprint(db, 'ume', p.footprint, p.audiences, at);
      let nonEmpty = 0;
      for (let round = 0; round < 25; round++) {
        const filters = filtersFrom(rand);
        const customer = ['ume', 'sakura'][round % 2] as string;
        const expected = all
          .filter((p) => entitled(p.audiences, customer) && matches(p.footprint, filters))
          .map((p) => p.footprint.id);
        const got: string[] = [];
        let after: string | undefined;
        for (;;) {
          const page = await listFootprints(db, 'ume', customer, filters, {
            limit: 7,
            ...(after ? { after } : {}),
          });
          expect(page.items.length).toBeLessThanOrEqual(7);
          got.push(...page.items.map((i) => i.footprint.id));
          if (!page.next) break;
          after = page.next;
        }
        expect(got, JSON.stringify({ filters, customer })).toEqual(expected);
        if (expected.length > 0) nonEmpty += 1;
      }
      expect(nonEmpty).toBeGreaterThan(8); // the rounds exercise real selections, not only empty ones
    });

    it('keeps the latest version of an id, its keys replaced, and hides it from other customers', async () => {
      const db = pactDb(database.db);
      const [first] = generated(1, lcg(3));
      if (!first) throw new Error('no footprint');
      expect(await putFootprint(db, 'ume', first.footprint, ['sakura'], at)).toBe(1);
      const changed = { ...first.footprint, productIds: ['urn:gtin:changed'] };
      expect(await putFootprint(db, 'ume', changed, ['sakura'], at)).toBe(2);
      expect((await findFootprint(db, 'ume', changed.id, 'sakura'))?.footprint.productIds).toEqual([
        'urn:gtin:changed',
      ]);
      expect(await findFootprint(db, 'ume', changed.id, 'other')).toBeUndefined();
      const old = await listFootprints(
        db,
        'ume',
        'sakura',
        { productId: first.footprint.productIds },
        { limit: 10 },
      );
      expect(old.items).toEqual([]);
    });
  });
}
