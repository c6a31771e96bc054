import { InvalidBudget } from './errors.js';

/** Size of a string in the unit the budget is expressed in (characters, tokens …). Must be monotonic. */
export type Measure = (text: string) => number;

export interface Budget {
  /** Largest allowed chunk, header included, in `measure` units. */
  readonly size: number;
  /** Defaults to `characters`. */
  readonly measure?: Measure;
  /**
   * Trailing whole sentences of a split prose block repeated at the start of the next chunk, at most this
   * many units. 0 (the default) keeps every block's text in exactly one chunk.
   */
  readonly overlap?: number;
}

export interface ResolvedBudget {
  readonly size: number;
  readonly measure: Measure;
  readonly overlap: number;
}

/** UTF-16 code units, the same unit as `String.length` and LangChain's default splitter. */
export const characters: Measure = (text) => text.length;

/** Rejects impossible options up front, before any chunking work. */
export function resolveBudget(budget: Budget): ResolvedBudget {
  const { size, overlap = 0, measure = characters } = budget;
  if (!Number.isFinite(size) || size <= 0)
    throw new InvalidBudget('size must be a positive number', { size });
  if (!Number.isFinite(overlap) || overlap < 0) {
    throw new InvalidBudget('overlap must be zero or positive', { overlap });
  }
  if (overlap >= size) throw new InvalidBudget('overlap must be smaller than size', { size, overlap });
  return { size, overlap, measure };
}
