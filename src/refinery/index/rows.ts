import type { Analyzer, ViewTokens } from './analyzers.js';
import { ftsSafe } from './fts5.js';

/**
 * What one text adds to a full-text index of an analyzer's views: per view (in `analyzer.views` order) its
 * tokens as FTS5 stores them (`ftsSafe`), space-joined; per passage view, one such row per window. Plain
 * strings: a parse worker that tokenises hands over a few strings per chunk, not thousands of tokens.
 */
export interface IndexRows {
  readonly views: readonly string[];
  readonly passages: readonly (readonly string[])[];
}

/** The passage views an index scores: none when the analyzer makes no passages. */
export function passageViewsOf(analyzer: Analyzer): readonly string[] {
  return analyzer.passages ? (analyzer.passageViews ?? []) : [];
}

function spelled(tokens: ViewTokens[string] | undefined): string {
  return (tokens ?? []).map(ftsSafe).join(' ');
}

/** The index rows of `text` under `analyzer`. */
export function indexRows(analyzer: Analyzer, text: string): IndexRows {
  const byView = analyzer.unit(text);
  const passageViews = passageViewsOf(analyzer);
  const windows = passageViews.length > 0 ? (analyzer.passages?.(text) ?? []) : [];
  return {
    views: analyzer.views.map((v) => spelled(byView[v])),
    passages: passageViews.map((v) => windows.map((w) => spelled(w[v]))),
  };
}

/**
 * A whole document's row of one view from its chunks' rows: every token of every chunk, in order. Tokens
 * are never empty, so a chunk without tokens in the view (an empty row) adds nothing.
 */
export function joinedRow(rows: readonly IndexRows[], view: number): string {
  return rows
    .map((r) => r.views[view] ?? '')
    .filter((row) => row !== '')
    .join(' ');
}
