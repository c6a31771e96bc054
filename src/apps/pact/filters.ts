import { PactRefusal } from './errors.js';
import {
  dateCriteria,
  type FootprintFilters,
  listCriteria,
  type ProductFootprint,
  publicAudience,
} from './model.js';

/** The query as Fastify parses it: a repeated parameter is a list. */
export type RawQuery = Readonly<Record<string, string | readonly string[] | undefined>>;

/** Parameters of a ListFootprints URL besides the criteria: the page size and our own pagination cursor. */
export interface ListQuery {
  readonly filters: FootprintFilters;
  readonly limit?: number;
  readonly after?: string;
}

const canonicalName = new Map<string, string>(
  [...listCriteria, ...dateCriteria, 'limit', 'after'].map((n) => [n.toLowerCase(), n]),
);

const asList = (v: string | readonly string[] | undefined): readonly string[] =>
  v === undefined ? [] : typeof v === 'string' ? [v] : v;

/** RFC 3339 date-time (what `format: date-time` means), as epoch milliseconds. */
export function parseDateTime(value: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * A v3 ListFootprints query: parameter names match case-insensitively (PACT's own example mixes `productId` and
 * `productid`); a repeated criterion ORs its values; `x-…` parameters (host extensions) are ignored; anything
 * else — the v2 `$filter` among them — is a BadRequest, never silently dropped.
 */
export function parseListQuery(query: RawQuery): ListQuery {
  const gathered = new Map<string, string[]>();
  for (const [raw, value] of Object.entries(query)) {
    if (raw.toLowerCase().startsWith('x-')) continue;
    const name = canonicalName.get(raw.toLowerCase());
    if (!name) throw new PactRefusal('BadRequest', `unknown query parameter ${raw}`);
    gathered.set(name, [...(gathered.get(name) ?? []), ...asList(value)]);
  }
  const one = (name: string): string | undefined => {
    const values = gathered.get(name);
    if (!values) return undefined;
    if (values.length !== 1) throw new PactRefusal('BadRequest', `${name} may be given once`);
    return values[0];
  };
  const filters: Record<string, unknown> = {};
  for (const c of listCriteria) {
    const values = gathered.get(c);
    if (values?.some((v) => v.length === 0 || v.length > 500))
      throw new PactRefusal('BadRequest', `${c} needs a value of at most 500 characters`);
    if (values) filters[c] = values;
  }
  for (const c of dateCriteria) {
    const v = one(c);
    if (v === undefined) continue;
    if (parseDateTime(v) === undefined)
      throw new PactRefusal('BadRequest', `${c} must be an RFC 3339 date-time`);
    filters[c] = v;
  }
  const limitText = one('limit');
  const limit = limitText === undefined ? undefined : Number(limitText);
  if (limit !== undefined && !(/^\d{1,9}$/.test(limitText ?? '') && limit >= 1))
    throw new PactRefusal('BadRequest', 'limit must be a positive integer');
  const after = one('after');
  return { filters, ...(limit !== undefined ? { limit } : {}), ...(after !== undefined ? { after } : {}) };
}

/** The filters of a RequestCreatedEvent's `data` (same criteria as ListFootprints). */
export function filtersOfEvent(data: Readonly<Record<string, unknown>>): FootprintFilters {
  const filters: Record<string, unknown> = {};
  for (const c of listCriteria) {
    const v = data[c];
    if (v === undefined) continue;
    const list = typeof v === 'string' ? [v] : v;
    if (!Array.isArray(list) || list.some((x) => typeof x !== 'string' || x.length === 0))
      throw new PactRefusal('BadRequest', `data.${c} must be a list of strings`);
    filters[c] = list;
  }
  for (const c of dateCriteria) {
    const v = data[c];
    if (v === undefined) continue;
    if (typeof v !== 'string' || parseDateTime(v) === undefined)
      throw new PactRefusal('BadRequest', `data.${c} must be an RFC 3339 date-time`);
    filters[c] = v;
  }
  return filters;
}

/** The validity period PACT defines: as stated, or else three years from the reference period's end. */
export function validityOf(pf: ProductFootprint): { readonly from: string; readonly until: string } {
  const refEnd = Date.parse(pf.pcf.referencePeriodEnd);
  const start = pf.validityPeriodStart ? Date.parse(pf.validityPeriodStart) : refEnd;
  const end = pf.validityPeriodEnd ? Date.parse(pf.validityPeriodEnd) : threeYearsAfter(refEnd);
  return { from: new Date(start).toISOString(), until: new Date(end).toISOString() };
}

function threeYearsAfter(ms: number): number {
  const d = new Date(ms);
  d.setUTCFullYear(d.getUTCFullYear() + 3);
  return d.getTime();
}

export type KeyKind = 'audience' | 'product' | 'company' | 'classification' | 'geography';

/** The searchable values of a footprint, lower case, one row each in the store. */
export function footprintKeys(
  pf: ProductFootprint,
  audiences: readonly string[],
): readonly (readonly [KeyKind, string])[] {
  const low = (kind: KeyKind, values: readonly (string | undefined)[]) =>
    [...new Set(values.flatMap((v) => (v ? [v.toLowerCase()] : [])))].map((v) => [kind, v] as const);
  return [
    ...[...new Set(audiences)].map((a) => ['audience', a] as const),
    ...low('product', pf.productIds),
    ...low('company', pf.companyIds),
    ...low('classification', pf.productClassifications ?? []),
    ...low('geography', [
      pf.pcf.geographyCountry,
      pf.pcf.geographyRegionOrSubregion,
      pf.pcf.geographyCountrySubdivision,
    ]),
  ];
}

const criterionKind = {
  productId: 'product',
  companyId: 'company',
  classification: 'classification',
  geography: 'geography',
} as const;

/** Whether a footprint meets every criterion (the reference the store's query is tested against). */
export function matches(pf: ProductFootprint, f: FootprintFilters): boolean {
  const keys = footprintKeys(pf, []);
  for (const [criterion, kind] of Object.entries(criterionKind)) {
    const wanted = f[criterion as keyof typeof criterionKind];
    if (!wanted) continue;
    const lower = new Set(wanted.map((w) => w.toLowerCase()));
    if (!keys.some(([k, v]) => k === kind && lower.has(v))) return false;
  }
  if (f.status && !f.status.some((s) => s.toLowerCase() === pf.status.toLowerCase())) return false;
  const { from, until } = validityOf(pf);
  const at = (v: string) => new Date(parseDateTime(v) as number).toISOString();
  if (f.validOn && !(from <= at(f.validOn) && at(f.validOn) <= until)) return false;
  if (f.validAfter && !(from > at(f.validAfter))) return false;
  if (f.validBefore && !(until < at(f.validBefore))) return false;
  return true;
}

/** Who may read a footprint published for `audiences`. */
export function entitled(audiences: readonly string[], customer: string): boolean {
  return audiences.includes(publicAudience) || audiences.includes(customer);
}
