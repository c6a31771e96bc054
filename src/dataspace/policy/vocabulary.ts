/**
 * Names and hierarchies: the prefix map that makes `odrl:dateTime`, `http://www.w3.org/ns/odrl/2/dateTime` and
 * `dateTime` the same operand, the vocabularies `isA` / `isPartOf` / `hasPart` walk (an industry code list, a
 * role taxonomy, regions), and the action hierarchy (`use` includes `read`).
 */

export type Prefixes = Readonly<Record<string, string>>;

export const defaultPrefixes: Prefixes = {
  odrl: 'http://www.w3.org/ns/odrl/2/',
  dspace: 'https://w3id.org/dspace/2025/1/',
  'cx-policy': 'https://w3id.org/catenax/policy/',
  musubi: 'https://w3id.org/musubi/policy/',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
};

/** `odrl:eq` → `http://www.w3.org/ns/odrl/2/eq`; anything without a known prefix is returned unchanged. */
export function expandIri(term: string, prefixes: Prefixes): string {
  const colon = term.indexOf(':');
  if (colon <= 0) return term;
  const ns = prefixes[term.slice(0, colon)];
  return ns === undefined || term.startsWith('//', colon + 1) ? term : ns + term.slice(colon + 1);
}

/** The local name of a term in one of the known namespaces (`odrl:use`, full IRI or bare `use` → `use`). */
export function localName(term: string, prefixes: Prefixes): string {
  const full = expandIri(term, prefixes);
  for (const ns of Object.values(prefixes))
    if (full.startsWith(ns) && full.length > ns.length) return full.slice(ns.length);
  return term;
}

/**
 * A hierarchy as data: each term with its broader terms (parents). One relation serves `isA` (a class and its
 * superclasses) and `isPartOf` (a region and the regions containing it); a vocabulary says which it models.
 */
export interface Vocabulary {
  readonly id: string;
  readonly broader: Readonly<Record<string, readonly string[]>>;
}

export interface Hierarchy {
  /** Whether `narrow` is `broad` or lies below it. */
  readonly within: (narrow: string, broad: string) => boolean;
  readonly knows: (term: string) => boolean;
}

/** The transitive closure of several vocabularies, computed per term on first use (cycles are harmless). */
export function hierarchyOf(vocabularies: readonly Vocabulary[], prefixes: Prefixes): Hierarchy {
  const parents = new Map<string, string[]>();
  for (const v of vocabularies)
    for (const [term, broader] of Object.entries(v.broader)) {
      const key = expandIri(term, prefixes);
      const list = parents.get(key) ?? [];
      list.push(...broader.map((b) => expandIri(b, prefixes)));
      parents.set(key, list);
    }
  const known = new Set([...parents.keys(), ...[...parents.values()].flat()]);
  const closure = new Map<string, ReadonlySet<string>>();
  const above = (term: string): ReadonlySet<string> => {
    const cached = closure.get(term);
    if (cached) return cached;
    const seen = new Set<string>();
    const todo = [...(parents.get(term) ?? [])];
    while (todo.length) {
      const t = todo.pop() as string;
      if (seen.has(t)) continue;
      seen.add(t);
      todo.push(...(parents.get(t) ?? []));
    }
    closure.set(term, seen);
    return seen;
  };
  return {
    within: (narrow, broad) => narrow === broad || above(narrow).has(broad),
    knows: (term) => known.has(term),
  };
}

/** Builds a vocabulary from the other direction: each broad term with the terms directly below it. */
export function vocabularyFromNarrower(
  id: string,
  narrower: Readonly<Record<string, readonly string[]>>,
): Vocabulary {
  const broader: Record<string, string[]> = {};
  for (const [broad, terms] of Object.entries(narrower))
    for (const t of terms) broader[t] = [...(broader[t] ?? []), broad];
  return { id, broader };
}

/**
 * ODRL 2.2's actions as local names. As DSP uses it, `use` covers everything a consumer does with the data,
 * the transfer included (ODRL itself lists `transfer` apart; a DSP agreement for `use` must allow the transfer).
 */
export const odrlActions: Vocabulary = vocabularyFromNarrower('odrl:actions', {
  use: [
    'read',
    'transfer',
    'aggregate',
    'annotate',
    'anonymize',
    'archive',
    'concurrentUse',
    'delete',
    'derive',
    'digitize',
    'distribute',
    'execute',
    'extract',
    'grantUse',
    'include',
    'index',
    'install',
    'modify',
    'move',
    'present',
    'reproduce',
    'stream',
    'synchronize',
    'textToSpeech',
    'transform',
    'translate',
    'uninstall',
    'watermark',
  ],
  present: ['display', 'play', 'print'],
  transfer: ['give', 'sell'],
});
