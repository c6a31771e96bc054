/**
 * RFC 9110 §14 byte ranges, the single-range subset the data plane serves. Pure: header text in, a range out.
 * Several ranges are served as the whole representation (200), which the RFC allows; another unit is ignored.
 */
export type ByteRange = { readonly start: number; readonly end?: number } | { readonly suffix: number };

/** undefined: no range to honour (serve 200); 'invalid': malformed bytes range (416); else the range. */
export function parseRange(header: string | undefined): ByteRange | 'invalid' | undefined {
  if (header === undefined) return undefined;
  const m = /^\s*bytes\s*=\s*(.*)$/i.exec(header);
  if (!m) return undefined;
  const specs = (m[1] ?? '').split(',');
  if (specs.length > 1) return undefined;
  const spec = /^\s*(\d*)\s*-\s*(\d*)\s*$/.exec(specs[0] ?? '');
  if (!spec) return 'invalid';
  const [, first = '', last = ''] = spec;
  if (first === '' && last === '') return 'invalid';
  if (first === '') {
    const suffix = Number(last);
    return suffix > 0 && Number.isSafeInteger(suffix) ? { suffix } : 'invalid';
  }
  const start = Number(first);
  if (!Number.isSafeInteger(start)) return 'invalid';
  if (last === '') return { start };
  const end = Number(last);
  if (!Number.isSafeInteger(end) || end < start) return 'invalid';
  return { start, end };
}

/** The inclusive byte span a range selects from `size` bytes, or undefined when it selects none (416). */
export function spanOf(range: ByteRange, size: number): { start: number; end: number } | undefined {
  if ('suffix' in range) {
    if (size === 0) return undefined;
    return { start: Math.max(0, size - range.suffix), end: size - 1 };
  }
  if (range.start >= size) return undefined;
  return { start: range.start, end: Math.min(range.end ?? size - 1, size - 1) };
}

/** The request header a range becomes when relayed to an HTTP backend. */
export function rangeHeader(range: ByteRange): string {
  return 'suffix' in range ? `bytes=-${range.suffix}` : `bytes=${range.start}-${range.end ?? ''}`;
}
