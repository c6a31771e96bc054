import type { Measure } from './budget.js';

const ELLIPSIS = '…';

/** The longest prefix of `part` (plus an ellipsis) that fits; binary search, measures being monotonic. */
function truncate(part: string, fits: (candidate: string) => boolean): string {
  const chars = Array.from(part);
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(chars.slice(0, mid).join('') + ELLIPSIS)) lo = mid;
    else hi = mid - 1;
  }
  return lo > 0 ? chars.slice(0, lo).join('') + ELLIPSIS : '';
}

/**
 * A header never takes more than `limit` of the budget: deep heading paths lose their middle levels first
 * (title › … › innermost heading), then the remaining parts are truncated. A document with a very long
 * title or heading still chunks instead of failing the whole refine.
 */
export function shortenContext(parts: readonly string[], limit: number, measure: Measure): string[] {
  const fits = (p: readonly string[]) => measure(p.join(' › ')) <= limit;
  let out = [...parts];
  while (!fits(out) && out.length > 2 && !(out.length === 3 && out[1] === ELLIPSIS)) {
    out = out[1] === ELLIPSIS ? [out[0]!, ELLIPSIS, ...out.slice(3)] : [out[0]!, ELLIPSIS, ...out.slice(2)];
  }
  for (let i = out.length - 1; i >= 0 && !fits(out); i--) {
    const shorter = truncate(out[i]!, (candidate) => fits(out.map((p, j) => (j === i ? candidate : p))));
    out[i] = shorter;
  }
  return out.filter((p) => p !== '');
}
