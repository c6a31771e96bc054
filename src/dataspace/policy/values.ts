import { expandIri, type Prefixes } from './vocabulary.js';

/**
 * The value types left operands declare, and how right operands and actual values are read for each:
 * - `string`: free text, compared after Unicode NFKC (全角 `ＡＢＣ` equals `ABC`, half-width `ｶﾅ` equals `カナ`);
 * - `term`: an identifier, code or IRI (participant ids, roles, country or industry codes): exact after
 *   prefix expansion, placed in vocabularies for `isA` / `isPartOf` / `hasPart`;
 * - `number`, `bytes` (a number of bytes, or `"10 MB"`, `"1.5GiB"`);
 * - `dateTime`: xsd:dateTime (zone optional: the registry's default offset applies) or xsd:date (the whole day);
 * - `duration`: xsd:duration (`P30D`, `PT12H`, `P1Y2M`), compared with the time elapsed since an anchor.
 */
export type ValueType = 'string' | 'term' | 'number' | 'bytes' | 'dateTime' | 'duration';

/** A dateTime as the milliseconds it covers: one millisecond for an instant, a whole day for a date. */
export interface Interval {
  readonly start: number;
  readonly end: number;
}

export interface Duration {
  readonly months: number;
  /** Days, hours, minutes and seconds, in milliseconds (days are 24 h, as xsd:duration counts them). */
  readonly ms: number;
}

/** Time elapsed from an anchor (an agreement's signature) to now, both in epoch milliseconds. */
export interface Elapsed {
  readonly from: number;
  readonly to: number;
}

export interface ReadOptions {
  readonly prefixes: Prefixes;
  /** Minutes east of UTC for date-times written without a zone. */
  readonly defaultOffset: number;
}

export type Read<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: string };

const ok = <T>(value: T): Read<T> => ({ ok: true, value });
const bad = (reason: string): Read<never> => ({ ok: false, reason });

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A JSON-LD value as plain: `{"@value": v, "@type": t}` → v (and t), `{"@id": iri}` → iri; lists flattened. */
export interface Plain {
  readonly value: unknown;
  readonly type?: string;
}

export function unwrap(v: unknown): Plain {
  if (!isObject(v)) return { value: v };
  if ('@value' in v)
    return typeof v['@type'] === 'string' ? { value: v['@value'], type: v['@type'] } : { value: v['@value'] };
  if (typeof v['@id'] === 'string') return { value: v['@id'], type: '@id' };
  return { value: v };
}

/** A right operand as a list: arrays, `@list` / `@set` objects, or one value. */
export function listOf(v: unknown): readonly unknown[] | undefined {
  if (Array.isArray(v)) return v;
  if (isObject(v)) {
    if (Array.isArray(v['@list'])) return v['@list'];
    if (Array.isArray(v['@set'])) return v['@set'];
  }
  return undefined;
}

const xsd = 'http://www.w3.org/2001/XMLSchema#';
const typesFor: Readonly<Record<ValueType, readonly string[]>> = {
  string: ['string', 'normalizedString', 'token', 'language', '@id', 'anyURI'],
  term: ['string', 'token', '@id', 'anyURI', 'NMTOKEN'],
  number: [
    'integer',
    'decimal',
    'double',
    'float',
    'long',
    'int',
    'short',
    'nonNegativeInteger',
    'positiveInteger',
  ],
  bytes: ['integer', 'decimal', 'double', 'long', 'int', 'nonNegativeInteger', 'positiveInteger', 'string'],
  dateTime: ['dateTime', 'dateTimeStamp', 'date'],
  duration: ['duration', 'dayTimeDuration', 'yearMonthDuration'],
};

/** Rejects a JSON-LD `@type` that contradicts the operand's type (`"@type": "xsd:string"` for a date). */
function typeFits(type: ValueType, declared: string | undefined, prefixes: Prefixes): string | undefined {
  if (declared === undefined) return undefined;
  const full = declared === '@id' ? '@id' : expandIri(declared, prefixes);
  const local = full.startsWith(xsd) ? full.slice(xsd.length) : full;
  return typesFor[type].includes(local) ? undefined : `typed ${declared}, but a ${type} is expected`;
}

const dateTimeForm =
  /^(-?\d{4,})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?(Z|[+-]\d{2}:\d{2})?$/;

/** Minutes east of UTC of `Z`, `+09:00`, `-05:30`. */
export function offsetMinutes(zone: string): number | undefined {
  if (zone === 'Z') return 0;
  const m = /^([+-])(\d{2}):(\d{2})$/.exec(zone);
  if (!m) return undefined;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return minutes > 14 * 60 ? undefined : (m[1] === '-' ? -1 : 1) * minutes;
}

export function readDateTime(text: string, defaultOffset: number): Read<Interval> {
  const m = dateTimeForm.exec(text);
  if (!m) return bad(`${JSON.stringify(text)} is not an xsd:dateTime or xsd:date`);
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const month = Number(mo);
  const day = Number(d);
  const hour = h === undefined ? 0 : Number(h);
  const minute = mi === undefined ? 0 : Number(mi);
  const second = s === undefined ? 0 : Number(s);
  const offset = zone === undefined ? defaultOffset : offsetMinutes(zone);
  const midnight24 = hour === 24 && minute === 0 && second === 0 && !Number(frac ?? 0);
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    (hour > 23 && !midnight24) ||
    minute > 59 ||
    second > 59 ||
    offset === undefined
  )
    return bad(`${JSON.stringify(text)} is not a valid date-time`);
  const base = Date.UTC(Number(y), month - 1, day);
  if (new Date(base).getUTCDate() !== day) return bad(`${JSON.stringify(text)} is not a valid date`);
  const ms = Math.floor(Number(frac ?? 0) * 1000);
  const start = base + ((hour * 60 + minute - offset) * 60 + second) * 1000 + ms;
  // A date alone covers its whole day: `lteq 2026-12-31` still holds during the 31st.
  return ok({ start, end: h === undefined ? start + 86_400_000 : start + 1 });
}

const durationForm =
  /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

export function readDuration(text: string): Read<Duration> {
  const m = durationForm.exec(text);
  if (!m || text === 'P' || text.endsWith('T'))
    return bad(`${JSON.stringify(text)} is not an xsd:duration (e.g. P30D, PT12H)`);
  const n = (i: number) => Number(m[i] ?? 0);
  return ok({
    months: n(1) * 12 + n(2),
    ms: (((n(3) * 7 + n(4)) * 24 + n(5)) * 60 + n(6)) * 60_000 + Math.round(n(7) * 1000),
  });
}

/** The instant `duration` after `from`, months added on the calendar (P1M after 31 January is 3 March). */
export function addDuration(from: number, d: Duration): number {
  if (d.months === 0) return from + d.ms;
  const t = new Date(from);
  t.setUTCMonth(t.getUTCMonth() + d.months);
  return t.getTime() + d.ms;
}

const byteUnits: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

function readNumber(v: unknown, what: string): Read<number> {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? ok(n) : bad(`${JSON.stringify(v)} is not ${what}`);
}

function readBytes(v: unknown): Read<number> {
  if (typeof v === 'string') {
    const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/i.exec(v);
    if (m) {
      const unit = byteUnits[(m[2] as string).toLowerCase()];
      if (unit === undefined)
        return bad(`${JSON.stringify(v)}: unknown unit (B, KB, MB, GB, TB, KiB, MiB, GiB, TiB)`);
      return ok(Math.round(Number(m[1]) * unit));
    }
  }
  const n = readNumber(v, 'a number of bytes');
  return n.ok && n.value < 0 ? bad(`${JSON.stringify(v)} is negative`) : n;
}

export type Parsed = string | number | Interval | Duration;

/** A right operand's single value, read for the operand's type. */
export function readRight(type: ValueType, raw: unknown, options: ReadOptions): Read<Parsed> {
  const { value, type: declared } = unwrap(raw);
  const mismatch = typeFits(type, declared, options.prefixes);
  if (mismatch) return bad(mismatch);
  switch (type) {
    case 'string':
      return typeof value === 'string'
        ? ok(value.normalize('NFKC'))
        : bad(`${JSON.stringify(value)} is not a string`);
    case 'term':
      return typeof value === 'string' && value !== ''
        ? ok(expandIri(value, options.prefixes))
        : bad(`${JSON.stringify(value)} is not a term or IRI`);
    case 'number':
      return readNumber(value, 'a number');
    case 'bytes':
      return readBytes(value);
    case 'dateTime':
      return typeof value === 'string'
        ? readDateTime(value, options.defaultOffset)
        : bad(`${JSON.stringify(value)} is not an xsd:dateTime`);
    case 'duration':
      return typeof value === 'string'
        ? readDuration(value)
        : bad(`${JSON.stringify(value)} is not an xsd:duration`);
  }
}

/** An actual value (what an operand returned), read for its type; undefined when it is not of that type. */
export function readActual(
  type: ValueType,
  raw: unknown,
  options: ReadOptions,
): Parsed | Elapsed | undefined {
  const value = typeof raw === 'object' && raw !== null && !(raw instanceof Date) ? unwrap(raw).value : raw;
  switch (type) {
    case 'string':
      return typeof value === 'string' ? value.normalize('NFKC') : undefined;
    case 'term':
      return typeof value === 'string'
        ? value.includes(':')
          ? expandIri(value, options.prefixes)
          : value
        : undefined;
    case 'number':
    case 'bytes': {
      const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
      return Number.isFinite(n) ? n : undefined;
    }
    case 'dateTime': {
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime();
      if (typeof value === 'number') return value;
      if (typeof value !== 'string') return undefined;
      const r = readDateTime(value, options.defaultOffset);
      return r.ok ? r.value.start : undefined;
    }
    case 'duration':
      if (typeof value === 'number') return { from: 0, to: value };
      return isObject(value) && typeof value.from === 'number' && typeof value.to === 'number'
        ? { from: value.from, to: value.to }
        : undefined;
  }
}
