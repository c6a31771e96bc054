import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { chunkByStructure } from '../chunk/index.js';
import { type Corpus, type DocumentEntry, openCorpus, type StoredDocument } from '../corpus/index.js';
import type { Document } from '../document/index.js';
import type { Analyzer } from '../index/index.js';
// Detection alone: the parsers run in the parse workers, so the main process need not load them.
import { detectFormat } from '../parse/detect.js';
import { type AfterParse, ParsePool, type ParserModule } from '../parse/worker/index.js';
import { FileTooLarge, InvalidRefineOptions, NoText } from './errors.js';
import { type FileFailure, failureOf } from './failure.js';
import { deferredJapaneseAnalyzer, type Prepared, type PrepareOptions } from './prepare.js';
import { type FoundFile, inScope, type Walked, walk } from './walk.js';

// The worker step: the module as the pool's workers load it (TypeScript sources in tests, dist/ built).
const prepareModule = new URL(
  import.meta.url.endsWith('.ts') ? './prepare.ts' : './prepare.js',
  import.meta.url,
).href;

/** Bumped whenever parsing, chunking or indexing changes what a file refines to: every file is redone. */
export const pipelineVersion = 'refine-19';

export interface RefineSettings {
  /** Owner of every stored row. */
  readonly participantId: string;
  /** Files above this size are refused from their size alone. */
  readonly maxFileBytes: number;
  /** Wall-clock budget of one file's parse (in a worker). */
  readonly parseTimeoutMs: number;
  /** Heap cap of a parse worker. */
  readonly parseMemoryMb: number;
  /** Chunk budget in characters, context header included. */
  readonly chunkSize: number;
  /** Parse workers; defaults to the number of cores. */
  readonly workers?: number;
  /**
   * OCR, when tesseract is installed: 'all' reads PDF pages without a usable text layer and the text inside
   * large images of the other pages and of DOCX and PPTX files, 'scans' only the PDF pages, 'off' nothing
   * (pages are listed as needing OCR).
   */
  readonly ocr?: 'all' | 'scans' | 'off';
}

// Parser modules as the workers load them, for the OCR modes that replace the default parsers.
const parserModule = (path: string) =>
  new URL(import.meta.url.endsWith('.ts') ? `${path}.ts` : `${path}.js`, import.meta.url).href;
const withoutPictureText: Readonly<Record<string, ParserModule>> = {
  docx: { module: parserModule('../parse/docx'), export: 'parseDocxWithoutPictureText' },
  pptx: { module: parserModule('../parse/pptx'), export: 'parsePptxWithoutPictureText' },
};
const ocrParsers: Readonly<Record<'scans' | 'off', Readonly<Record<string, ParserModule>>>> = {
  scans: {
    ...withoutPictureText,
    pdf: { module: parserModule('../parse/pdf/parser'), export: 'parsePdfScansOnly' },
  },
  off: {
    ...withoutPictureText,
    pdf: { module: parserModule('../parse/pdf/parser'), export: 'parsePdfTextLayer' },
  },
};

export const defaultRefineSettings: RefineSettings = {
  participantId: 'default',
  maxFileBytes: 100 * 1024 * 1024,
  parseTimeoutMs: 300_000,
  parseMemoryMb: 1024,
  chunkSize: 800,
};

export type RefineOutcome = 'added' | 'changed' | 'unchanged' | 'renamed' | 'removed' | 'failed';

export interface RefineProgress {
  readonly uri: string;
  readonly outcome: RefineOutcome;
  readonly chunks?: number;
  /** The old uri of a renamed file. */
  readonly from?: string;
  readonly failure?: FileFailure;
  /** Files finished so far and in all (removals count after the files). */
  readonly done: number;
  readonly total: number;
}

export interface RefineOptions {
  /** Store directory; the corpus is `<store>/refinery.db`. */
  readonly store: string;
  readonly config?: Partial<RefineSettings>;
  readonly onProgress?: (progress: RefineProgress) => void;
  /** Called once the files are known, before any is refined. */
  readonly onStart?: (total: number) => void;
  /**
   * Defaults to the Japanese analyzer (kuromoji's dictionary is loaded once), which then also runs in the
   * parse workers; a given analyzer runs on the calling thread.
   */
  readonly analyzer?: Analyzer;
  /** Parsers by format that replace the built-in ones in the workers (a text-layer-only PDF parser …). */
  readonly parsers?: Readonly<Record<string, ParserModule>>;
  readonly now?: () => Date;
}

export interface RefineSummary {
  readonly added: number;
  readonly changed: number;
  readonly unchanged: number;
  readonly renamed: number;
  readonly removed: number;
  readonly failed: number;
  readonly failures: readonly FileFailure[];
  /** Totals in the corpus afterwards. */
  readonly documents: number;
  readonly chunks: number;
  readonly elapsedMs: number;
}

interface Run {
  readonly corpus: Corpus;
  /** Resolves once the analyzer can tokenise here (texts that come without a worker's tokens). */
  readonly analyzerReady: () => Promise<void>;
  /** Chunking and tokenising in the worker, after the parse. */
  readonly after: AfterParse;
  readonly settings: RefineSettings;
  readonly pipeline: string;
  readonly stored: ReadonlyMap<string, StoredDocument>;
  /** Stored documents whose file is gone, by sha256: a new path with the same bytes is a rename. */
  readonly vanished: Map<string, StoredDocument[]>;
  readonly pool: () => ParsePool;
  readonly now: () => Date;
}

interface FileResult {
  readonly outcome: RefineOutcome;
  readonly chunks?: number;
  readonly from?: string;
  readonly failure?: FileFailure;
}

function checkSettings(s: RefineSettings): void {
  for (const key of ['maxFileBytes', 'parseTimeoutMs', 'parseMemoryMb', 'chunkSize'] as const) {
    if (!Number.isFinite(s[key]) || s[key] <= 0)
      throw new InvalidRefineOptions(`${key} must be a positive number`, { [key]: s[key] });
  }
  if (s.ocr !== undefined && !['all', 'scans', 'off'].includes(s.ocr))
    throw new InvalidRefineOptions('ocr must be all, scans or off', { ocr: s.ocr });
}

/**
 * Refines files and folders into the corpus of `store`: walk, detect, parse in worker threads with limits,
 * chunk, index — one transaction per document. Unchanged files (same bytes, same pipeline) are skipped,
 * changed files replace their own chunks, files gone from a refined folder are pruned and a file moved to a
 * new path keeps its parse and chunk ids. A file that fails is recorded and reported; the others go on.
 */
export async function refine(paths: readonly string[], options: RefineOptions): Promise<RefineSummary> {
  const started = performance.now();
  const settings: RefineSettings = { ...defaultRefineSettings, ...options.config };
  checkSettings(settings);
  const ocr = settings.ocr ?? 'all';
  const parsers = options.parsers ?? (ocr === 'all' ? undefined : ocrParsers[ocr]);
  const walked = await walk(paths, [options.store]);
  // The workers tokenise with their own dictionary: this thread loads one only if it has to tokenise.
  const deferred = options.analyzer === undefined ? deferredJapaneseAnalyzer() : undefined;
  const analyzer = options.analyzer ?? deferred!.analyzer;
  const corpus = openCorpus({
    dir: options.store,
    participantId: settings.participantId,
    analyzer,
    create: true,
  });
  let pool: ParsePool | undefined;
  const workers = settings.workers ?? availableParallelism();
  try {
    const stored = new Map(corpus.documents().map((d) => [d.uri, d]));
    const prepare: PrepareOptions = {
      chunkSize: settings.chunkSize,
      analyse: options.analyzer === undefined,
    };
    const run: Run = {
      corpus,
      analyzerReady: () => deferred?.load() ?? Promise.resolve(),
      after: { module: prepareModule, export: 'prepareDocument', options: prepare },
      settings,
      pipeline: `${pipelineVersion}/chars-${settings.chunkSize}${ocr === 'all' ? '' : `/ocr-${ocr}`}`,
      stored,
      vanished: vanishedByHash(stored, walked),
      pool: () => {
        pool ??= new ParsePool({
          timeoutMs: settings.parseTimeoutMs,
          maxOldGenerationSizeMb: settings.parseMemoryMb,
          size: workers,
          ...(parsers ? { parsers } : {}),
        });
        return pool;
      },
      now: options.now ?? (() => new Date()),
    };
    const tally = createTally(walked.files.length + walked.missing.length, options);
    for (const m of walked.missing)
      tally.report(String(m.fields['path']), failed(failureOf(String(m.fields['path']), m)));
    // Largest first: the big files start early instead of leaving one worker busy at the end.
    const largestFirst = [...walked.files].sort((a, b) => b.bytes - a.bytes);
    await inParallel(largestFirst, workers * 2, async (file) =>
      tally.report(file.uri, await refineFile(file, run)),
    );
    // Whatever vanished and was not claimed by a rename is pruned.
    for (const d of [...run.vanished.values()].flat()) {
      corpus.removeDocument(d.uri);
      tally.report(d.uri, { outcome: 'removed' });
    }
    const totals = corpus.counts();
    return {
      ...tally.counts,
      failures: tally.failures,
      documents: totals.documents,
      chunks: totals.chunks,
      elapsedMs: Math.round(performance.now() - started),
    };
  } finally {
    await pool?.close();
    corpus.close();
  }
}

/** Stored documents in the walked roots whose file is gone, by sha256 (a new path with those bytes is a rename). */
function vanishedByHash(
  stored: ReadonlyMap<string, StoredDocument>,
  walked: Walked,
): Map<string, StoredDocument[]> {
  const found = new Set(walked.files.map((f) => f.uri));
  const vanished = new Map<string, StoredDocument[]>();
  for (const d of stored.values()) {
    if (found.has(d.uri) || !inScope(d.uri, walked.roots)) continue;
    vanished.set(d.sha256, [...(vanished.get(d.sha256) ?? []), d]);
  }
  return vanished;
}

/** Counts outcomes, keeps failures and tells the caller about each file as it finishes. */
function createTally(total: number, options: Pick<RefineOptions, 'onStart' | 'onProgress'>) {
  options.onStart?.(total);
  const counts: Record<RefineOutcome, number> = {
    added: 0,
    changed: 0,
    unchanged: 0,
    renamed: 0,
    removed: 0,
    failed: 0,
  };
  const failures: FileFailure[] = [];
  let done = 0;
  return {
    counts,
    failures,
    report(uri: string, result: FileResult): void {
      counts[result.outcome]++;
      if (result.failure) failures.push(result.failure);
      done++;
      options.onProgress?.({ uri, ...result, done, total: Math.max(total, done) });
    },
  };
}

function failed(failure: FileFailure): FileResult {
  return { outcome: 'failed', failure };
}

async function refineFile(file: FoundFile, run: Run): Promise<FileResult> {
  const before = run.stored.get(file.uri);
  const entry = (sha256: string, format: string): DocumentEntry => ({
    uri: file.uri,
    sha256,
    format,
    bytes: file.bytes,
    mtimeMs: file.mtimeMs,
    pipeline: run.pipeline,
    refinedAt: run.now().toISOString(),
  });
  const refuse = (e: unknown, sha256 = '', format = ''): FileResult => {
    const failure = failureOf(file.uri, e);
    run.corpus.putFailure(entry(sha256, format), { code: failure.code, message: failure.message });
    return failed(failure);
  };
  if (file.bytes > run.settings.maxFileBytes)
    return refuse(new FileTooLarge(file.uri, file.bytes, run.settings.maxFileBytes));
  const current = before?.status === 'ok' && before.pipeline === run.pipeline ? before : undefined;
  if (current && current.bytes === file.bytes && current.mtimeMs === file.mtimeMs)
    return { outcome: 'unchanged' };
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file.path);
  } catch (e) {
    return refuse(e);
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (current && current.sha256 === sha256) {
    run.corpus.touch(file.uri, file.mtimeMs);
    return { outcome: 'unchanged' };
  }
  const moved = before === undefined ? takeVanished(run, sha256) : undefined;
  if (moved) {
    const parsed = run.corpus.parsed(moved.uri);
    if (parsed) {
      const doc: Document = { ...parsed, source: { ...parsed.source, uri: file.uri } };
      const chunks = chunkByStructure(doc, { size: run.settings.chunkSize });
      await run.analyzerReady();
      run.corpus.putDocument(entry(sha256, doc.source.format), doc, chunks, moved.uri);
      return { outcome: 'renamed', chunks: chunks.length, from: moved.uri };
    }
  }
  let format = '';
  try {
    // The hash is known already: `sourceInfoFor` would compute it a second time.
    const source = { uri: file.uri, format: detectFormat(bytes, file.uri), sha256, bytes: bytes.length };
    format = source.format;
    const parsed = await run.pool().parseThen<Prepared>(bytes, source, run.after);
    const doc = parsed.document;
    if (!doc.blocks.some((b) => b.text.trim() !== '')) throw new NoText(file.uri);
    const { chunks, rows } = parsed.extra;
    const made = rows.length === chunks.length ? rows : undefined;
    if (made === undefined) await run.analyzerReady();
    run.corpus.putDocument(entry(sha256, format), doc, chunks, undefined, made);
    return { outcome: before?.status === 'ok' ? 'changed' : 'added', chunks: chunks.length };
  } catch (e) {
    return refuse(e, sha256, format);
  }
}

function takeVanished(run: Run, sha256: string): StoredDocument | undefined {
  const list = run.vanished.get(sha256)?.filter((d) => d.status === 'ok' && d.pipeline === run.pipeline);
  const pick = list?.[0];
  if (pick)
    run.vanished.set(
      sha256,
      run.vanished.get(sha256)!.filter((d) => d !== pick),
    );
  return pick;
}

/** Runs `work` over `items` with at most `limit` in flight; order of completion is free. */
async function inParallel<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
}
