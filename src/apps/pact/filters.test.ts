import { describe, expect, it } from 'vitest';
import { PactRefusal } from './errors.js';
import { readEvent } from './events.js';
import { footprintKeys, matches, parseListQuery, validityOf } from './filters.js';
import type { ProductFootprint } from './model.js';

const pf = (over: Partial<ProductFootprint> = {}, pcf: Record<string, unknown> = {}): ProductFootprint =>
  ({
    id: '0b7c1c5e-0d3a-4a37-9d55-6f0d3e0b6a11',
    specVersion: '3.0.0',
    created: '2026-01-01T00:00:00Z',
    status: 'Active',
    companyName: '梅田製作所',
    companyIds: ['urn:pact:company:jp:houjin-bangou:5010001000001'],
    productDescription: 'アルミ製ブラケット',
    productIds: ['urn:gtin:4901234567894'],
    productClassifications: ['urn:pact:productclassification:un-cpc:42999'],
    productNameCompany: 'ブラケット',
    pcf: {
      declaredUnitOfMeasurement: 'kilogram',
      declaredUnitAmount: '1',
      productMassPerDeclaredUnit: '1',
      referencePeriodStart: '2025-01-01T00:00:00Z',
      referencePeriodEnd: '2025-12-31T00:00:00+09:00',
      geographyCountry: 'JP',
      ipccCharacterizationFactors: ['AR6'],
      crossSectoralStandards: ['ISO14067'],
      exemptedEmissionsPercent: '0',
      ...pcf,
    },
    ...over,
  }) as ProductFootprint;

const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    if (e instanceof PactRefusal) return e;
    throw e;
  }
  throw new Error('not refused');
};

describe('ListFootprints query', () => {
  it('gathers repeated criteria whatever the case of their names, and ignores x- extensions', () => {
    expect(
      parseListQuery({
        productId: ['urn:a', 'urn:b'],
        productid: 'urn:c',
        GEOGRAPHY: 'JP',
        'x-atq-invoice-id': '1',
        limit: '5',
      }),
    ).toEqual({ filters: { productId: ['urn:a', 'urn:b', 'urn:c'], geography: ['JP'] }, limit: 5 });
  });

  it('refuses what it does not know (the v2 $filter), bad dates, a repeated date and a bad limit', () => {
    expect(refusal(() => parseListQuery({ $filter: "created ge '2023'" })).pactCode).toBe('BadRequest');
    expect(refusal(() => parseListQuery({ validOn: '2025-13-01' })).message).toMatch(/validOn/);
    expect(
      refusal(() => parseListQuery({ validOn: ['2025-01-01T00:00:00Z', '2025-02-01T00:00:00Z'] })).message,
    ).toMatch(/once/);
    for (const limit of ['0', '-1', '1.5', 'ten'])
      expect(refusal(() => parseListQuery({ limit })).message).toMatch(/limit/);
  });
});

describe('validity period', () => {
  it('is the stated period, or three years from the end of the reference period', () => {
    expect(validityOf(pf())).toEqual({ from: '2025-12-30T15:00:00.000Z', until: '2028-12-30T15:00:00.000Z' });
    expect(
      validityOf(
        pf({ validityPeriodStart: '2026-01-01T00:00:00Z', validityPeriodEnd: '2026-06-30T00:00:00Z' }),
      ),
    ).toEqual({
      from: '2026-01-01T00:00:00.000Z',
      until: '2026-06-30T00:00:00.000Z',
    });
  });
});

describe('matching', () => {
  const p = pf({ validityPeriodStart: '2026-01-01T00:00:00Z', validityPeriodEnd: '2026-12-31T00:00:00Z' });
  it('ORs values within a criterion and ANDs criteria, case-insensitively', () => {
    expect(matches(p, { productId: ['urn:x', 'URN:GTIN:4901234567894'] })).toBe(true);
    expect(matches(p, { productId: ['urn:gtin:4901234567894'], geography: ['de'] })).toBe(false);
    expect(matches(p, { geography: ['jp'], status: ['active'] })).toBe(true);
    expect(matches(p, { status: ['Deprecated'] })).toBe(false);
  });
  it('reads validOn inclusive, validAfter and validBefore strict, in any offset', () => {
    expect(matches(p, { validOn: '2026-01-01T09:00:00+09:00' })).toBe(true);
    expect(matches(p, { validOn: '2025-12-31T23:59:59Z' })).toBe(false);
    expect(matches(p, { validAfter: '2026-01-01T00:00:00Z' })).toBe(false);
    expect(matches(p, { validAfter: '2025-12-31T00:00:00Z' })).toBe(true);
    expect(matches(p, { validBefore: '2026-12-31T00:00:00Z' })).toBe(false);
    expect(matches(p, { validBefore: '2027-01-01T00:00:00Z' })).toBe(true);
  });
  it('keys a footprint by its products, companies, classifications, geographies and audiences, lower case', () => {
    expect(
      footprintKeys(pf({}, { geographyRegionOrSubregion: 'Eastern Asia' }), ['acme', 'acme', '*']),
    ).toEqual([
      ['audience', 'acme'],
      ['audience', '*'],
      ['product', 'urn:gtin:4901234567894'],
      ['company', 'urn:pact:company:jp:houjin-bangou:5010001000001'],
      ['classification', 'urn:pact:productclassification:un-cpc:42999'],
      ['geography', 'jp'],
      ['geography', 'eastern asia'],
    ]);
  });
});

describe('events', () => {
  const base = {
    specversion: '1.0',
    id: 'e1',
    source: 'https://c.example/3/events',
    time: '2026-12-01T00:00:00Z',
  };
  it('reads a v3 request and a v2 request (a footprint fragment) as the same criteria', () => {
    const v3 = readEvent({
      ...base,
      type: 'org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3',
      data: { productId: ['urn:a'], comment: 'お願いします' },
    });
    const v2 = readEvent({
      ...base,
      type: 'org.wbcsd.pathfinder.ProductFootprintRequest.Created.v1',
      data: { pf: { productIds: ['urn:a'] } },
    });
    expect(v3).toMatchObject({
      kind: 'created',
      spec: '3',
      filters: { productId: ['urn:a'] },
      comment: 'お願いします',
    });
    expect(v2).toMatchObject({ kind: 'created', spec: '2', filters: { productId: ['urn:a'] } });
  });
  it('refuses an unknown type, a missing envelope member and bad data', () => {
    expect(refusal(() => readEvent({ ...base, type: 'x', data: {} })).message).toMatch(/unknown event type/);
    expect(
      refusal(() =>
        readEvent({
          ...base,
          id: undefined,
          type: 'org.wbcsd.pact.ProductFootprint.PublishedEvent.3',
          data: {},
        }),
      ).pactCode,
    ).toBe('BadRequest');
    expect(
      refusal(() =>
        readEvent({
          ...base,
          type: 'org.wbcsd.pact.ProductFootprint.PublishedEvent.3',
          data: { pfIds: 'x' },
        }),
      ).message,
    ).toMatch(/pfIds/);
    expect(
      refusal(() =>
        readEvent({
          ...base,
          type: 'org.wbcsd.pact.ProductFootprint.RequestFulfilledEvent.3',
          data: { requestEventId: 'r', pfs: [] },
        }),
      ).message,
    ).toMatch(/non-empty/);
  });
});
