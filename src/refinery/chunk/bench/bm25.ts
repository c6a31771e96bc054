/**
 * A minimal in-memory BM25 (k1 1.2, b 0.75) for chunking benchmarks only: NFKC + lowercase, Latin words and
 * digit runs as tokens, Japanese/Chinese runs as character bigrams. The same index scores every chunking
 * method, so differences come from the chunks, not from retrieval.
 */

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー々〆]/u;
const WORD = /[\p{L}\p{N}]/u;

export function tokens(text: string): string[] {
  const out: string[] = [];
  const chars = Array.from(text.normalize('NFKC').toLowerCase());
  let i = 0;
  while (i < chars.length) {
    const ch = chars[i]!;
    if (CJK.test(ch)) {
      let j = i;
      while (j < chars.length && CJK.test(chars[j]!)) j++;
      if (j - i === 1) out.push(ch);
      for (let k = i; k + 1 < j; k++) out.push(chars[k]! + chars[k + 1]!);
      i = j;
    } else if (WORD.test(ch)) {
      let j = i;
      while (j < chars.length && WORD.test(chars[j]!) && !CJK.test(chars[j]!)) j++;
      out.push(chars.slice(i, j).join(''));
      i = j;
    } else i++;
  }
  return out;
}

export interface Bm25Index {
  /** Indices of the best `k` documents for the query, best first. */
  search(query: string, k: number): number[];
}

export function bm25Index(documents: readonly string[], k1 = 1.2, b = 0.75): Bm25Index {
  const postings = new Map<string, { doc: number; tf: number }[]>();
  const lengths = documents.map((text, doc) => {
    const counts = new Map<string, number>();
    const toks = tokens(text);
    for (const t of toks) counts.set(t, (counts.get(t) ?? 0) + 1);
    for (const [term, tf] of counts) {
      const list = postings.get(term) ?? [];
      if (list.length === 0) postings.set(term, list);
      list.push({ doc, tf });
    }
    return toks.length;
  });
  const n = documents.length;
  const avg = lengths.reduce((s, l) => s + l, 0) / Math.max(1, n);
  return {
    search(query, k) {
      const scores = new Float64Array(n);
      for (const term of new Set(tokens(query))) {
        const list = postings.get(term);
        if (!list) continue;
        const idf = Math.log(1 + (n - list.length + 0.5) / (list.length + 0.5));
        for (const { doc, tf } of list) {
          scores[doc]! += (idf * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * lengths[doc]!) / avg));
        }
      }
      return Array.from(scores.keys())
        .filter((i) => scores[i]! > 0)
        .sort((x, y) => scores[y]! - scores[x]! || x - y)
        .slice(0, k);
    },
  };
}
