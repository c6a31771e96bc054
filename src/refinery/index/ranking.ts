/**
 * How the lexical views are combined into one ranking (pure). Each view's BM25 scores are divided by that
 * view's best score for the query and summed with per-view weights; a unit then gains a share of its better
 * neighbour's score (a figure page explained on the next page) and its document's prior (the query scored
 * against the whole document, normalised the same way).
 */
export interface RankWeights {
  /** Weight of each unit-level view, e.g. `{ bigram: 1, morph: 1, numbers: 0.4 }`. */
  readonly views: Readonly<Record<string, number>>;
  /** Weight of each view scored against whole documents, e.g. `{ bigram: 1 }`. */
  readonly docPrior: Readonly<Record<string, number>>;
  /** Weight of each view's best-passage score (a unit's best window), e.g. `{ bigram: 1 }`. */
  readonly passage?: Readonly<Record<string, number>>;
  /** Share of max(previous, next) unit's lexical score. */
  readonly neighbour: number;
  /**
   * 'add' sums the neighbour share into every unit; 'fill' only lifts a unit up to that share (a page with
   * little text of its own), so runs of similar pages (contents, overview) do not boost each other.
   */
  readonly neighbourMode?: 'add' | 'fill';
}

export const japaneseWeights: RankWeights = {
  views: { bigram: 1, morph: 1, numbers: 0.4 },
  docPrior: { bigram: 1.5 },
  passage: { bigram: 0.5 },
  neighbour: 0.8,
  neighbourMode: 'fill',
};

export const codeWeights: RankWeights = {
  views: { word: 1, char4: 1 },
  docPrior: { word: 1 },
  neighbour: 0,
};

/** Where a unit sits: its document row and the rows before and after it in that document. */
export interface UnitPlace {
  readonly doc: number;
  readonly prev: number | undefined;
  readonly next: number | undefined;
}

export interface RankInput {
  /** Per view: unit row → BM25 score. */
  readonly unitScores: Readonly<Record<string, ReadonlyMap<number, number>>>;
  /** Per view: unit row → BM25 score of its best passage. */
  readonly passageScores?: Readonly<Record<string, ReadonlyMap<number, number>>>;
  /** Per view: document row → BM25 score. */
  readonly docScores: Readonly<Record<string, ReadonlyMap<number, number>>>;
  readonly placeOf: (row: number) => UnitPlace | undefined;
}

export interface RankedUnit {
  readonly row: number;
  readonly score: number;
  /** Contribution of each view plus `docPrior` and `neighbour`; they sum to `score`. */
  readonly views: Readonly<Record<string, number>>;
}

function normalised(scores: ReadonlyMap<number, number> | undefined, weight: number): Map<number, number> {
  const out = new Map<number, number>();
  if (!scores || weight === 0) return out;
  let max = 0;
  for (const s of scores.values()) if (s > max) max = s;
  if (max <= 0) return out;
  for (const [row, s] of scores) out.set(row, (weight * s) / max);
  return out;
}

function summed(maps: readonly ReadonlyMap<number, number>[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const m of maps) for (const [row, s] of m) out.set(row, (out.get(row) ?? 0) + s);
  return out;
}

/** Units that matched, plus their neighbours (a figure page may match nothing itself). */
function candidatesOf(
  input: RankInput,
  lexical: ReadonlyMap<number, number>,
  withNeighbours: boolean,
): Set<number> {
  const candidates = new Set(lexical.keys());
  if (!withNeighbours) return candidates;
  for (const row of lexical.keys()) {
    const place = input.placeOf(row);
    if (place?.prev !== undefined) candidates.add(place.prev);
    if (place?.next !== undefined) candidates.add(place.next);
  }
  return candidates;
}

export function rankUnits(input: RankInput, weights: RankWeights, k: number): RankedUnit[] {
  const views = Object.entries(weights.views).map(
    ([name, w]) => [name, normalised(input.unitScores[name], w)] as const,
  );
  const priors = Object.entries(weights.docPrior).map(([name, w]) => normalised(input.docScores[name], w));
  const passage = summed(
    Object.entries(weights.passage ?? {}).map(([name, w]) => normalised(input.passageScores?.[name], w)),
  );
  // The best-passage score is lexical evidence like any view, so a neighbour passes it on too.
  const lexical = summed([...views.map(([, scores]) => scores), passage]);
  const lexicalOf = (row: number | undefined) => (row === undefined ? 0 : (lexical.get(row) ?? 0));
  const ranked: RankedUnit[] = [];
  for (const row of candidatesOf(input, lexical, weights.neighbour > 0)) {
    const place = input.placeOf(row);
    if (!place) continue;
    const parts: Record<string, number> = {};
    for (const [name, scores] of views) parts[name] = scores.get(row) ?? 0;
    if (weights.passage) parts['passage'] = passage.get(row) ?? 0;
    const share = weights.neighbour * Math.max(lexicalOf(place.prev), lexicalOf(place.next));
    parts['neighbour'] = weights.neighbourMode === 'fill' ? Math.max(0, share - lexicalOf(row)) : share;
    parts['docPrior'] = priors.reduce((sum, p) => sum + (p.get(place.doc) ?? 0), 0);
    ranked.push({ row, score: Object.values(parts).reduce((a, b) => a + b, 0), views: parts });
  }
  return ranked.sort((a, b) => b.score - a.score || a.row - b.row).slice(0, k);
}
