/**
 * How close a text read another way (OCR) comes to a reference (the PDF's text layer), independent of the
 * order the two read the page in: character bigrams of the NFKC-normalised text without whitespace, counted
 * as multisets — the units the bigram index matches on.
 */
import { normalise } from '../text/index.js';

export interface TextAccuracy {
  /** Share of the read bigrams that are in the reference. */
  readonly precision: number;
  /** Share of the reference bigrams that were read. */
  readonly recall: number;
  readonly f1: number;
}

function bigramCounts(text: string): Map<string, number> {
  const chars = Array.from(normalise(text).replace(/\s+/g, ''));
  const counts = new Map<string, number>();
  for (let i = 0; i + 1 < chars.length; i++) {
    const gram = chars[i]! + chars[i + 1]!;
    counts.set(gram, (counts.get(gram) ?? 0) + 1);
  }
  return counts;
}

export function bigramAccuracy(reference: string, read: string): TextAccuracy {
  const ref = bigramCounts(reference);
  const got = bigramCounts(read);
  const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  let both = 0;
  for (const [gram, n] of ref) both += Math.min(n, got.get(gram) ?? 0);
  const precision = total(got) === 0 ? 0 : both / total(got);
  const recall = total(ref) === 0 ? 0 : both / total(ref);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}
