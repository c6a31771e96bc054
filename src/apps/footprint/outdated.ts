import { aggregate, type PartResult, type Results } from './aggregate.js';
import type { CompanyData, SupplierAnswers } from './model.js';

/** What changed since the results were computed: supplier answers (by their trace id) and own parts. */
export interface Changes {
  readonly upstreamTraceIds?: readonly string[];
  readonly ownTraceIds?: readonly string[];
}

/**
 * The company's parts whose results depend on a changed input: the part linked to a changed supplier answer,
 * a part whose own data changed, and every part above them in the BOM (each once, however many paths).
 */
export function outdated(data: CompanyData, changes: Changes): Set<string> {
  const parents = new Map<string, string[]>();
  for (const l of data.bom)
    parents.set(l.childTraceId, [...(parents.get(l.childTraceId) ?? []), l.parentTraceId]);
  const upstream = new Set(changes.upstreamTraceIds ?? []);
  const start = [
    ...data.tradeLinks.filter((l) => upstream.has(l.upstreamTraceId)).map((l) => l.downstreamTraceId),
    ...(changes.ownTraceIds ?? []),
  ];
  const found = new Set<string>();
  const queue = [...start];
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    if (found.has(next)) continue;
    found.add(next);
    queue.push(...(parents.get(next) ?? []));
  }
  return found;
}

/**
 * Recomputes after a change: the outdated parts are computed again, every other result is reused as is.
 * Returns the new results and which parts were outdated (to mark their published answers Deprecated).
 */
export function refresh(
  previous: Results,
  data: CompanyData,
  answers: SupplierAnswers,
  changes: Changes,
): { results: Map<string, PartResult>; outdated: Set<string> } {
  const stale = outdated(data, changes);
  const reuse = new Map([...previous].filter(([traceId]) => !stale.has(traceId)));
  return { results: aggregate(data, answers, [...previous.keys()], reuse), outdated: stale };
}
