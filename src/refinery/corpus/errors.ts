import { InvalidInput, MusubiError } from '../../errors/index.js';

/** No refined corpus at the store: nothing was refined there yet. */
export class CorpusMissing extends MusubiError {
  constructor(dir: string) {
    super(
      'corpus.missing',
      'not-found',
      `no refined documents in ${dir} — run \`musubi refine <folder> --store ${dir}\` first`,
      { dir },
    );
  }
}

/** The corpus exists but holds no refined document. */
export class CorpusEmpty extends MusubiError {
  constructor(dir: string) {
    super('corpus.empty', 'not-found', `the corpus in ${dir} holds no refined documents`, { dir });
  }
}

/** No refined document matches what the caller named. */
export class DocumentNotFound extends MusubiError {
  constructor(name: string, candidates: readonly string[] = []) {
    const hint = candidates.length > 0 ? ` (did you mean ${candidates.slice(0, 3).join(', ')}?)` : '';
    super('corpus.document-not-found', 'not-found', `no refined document ${JSON.stringify(name)}${hint}`, {
      name,
    });
  }
}

/** A name matched several documents; the caller must be more precise. */
export class AmbiguousDocument extends InvalidInput {
  constructor(name: string, matches: readonly string[]) {
    super(
      'corpus.ambiguous-document',
      `${JSON.stringify(name)} matches ${matches.length} documents: ${matches.slice(0, 5).join(', ')}`,
      { name, matches },
    );
  }
}

/** A write or a search needs the text analyzer, which this corpus was opened without. */
export class AnalyzerRequired extends InvalidInput {
  constructor(operation: string) {
    super('corpus.analyzer-required', `${operation} needs the corpus opened with an analyzer`, { operation });
  }
}

/** A search filter the index cannot apply. */
export class InvalidFilter extends InvalidInput {
  constructor(message: string, fields: Record<string, unknown> = {}) {
    super('corpus.invalid-filter', message, fields);
  }
}

/** Stored chunk vectors and the query vector come from models of different sizes. */
export class VectorMismatch extends MusubiError {
  constructor(stored: number, query: number) {
    super(
      'corpus.vector-mismatch',
      'conflict',
      `stored chunk vectors have ${stored} dimensions but the query has ${query} — re-run \`musubi refine\` after changing the embeddings model`,
      { stored, query },
    );
  }
}

export class IndexRowsMismatch extends InvalidInput {
  constructor(rows: number, chunks: number) {
    super('corpus.index-rows-mismatch', `${rows} index rows given for ${chunks} chunks`, { rows, chunks });
  }
}
