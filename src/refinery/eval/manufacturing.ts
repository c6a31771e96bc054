import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { chunkByStructure, chunkContent } from '../chunk/index.js';
import type { Document } from '../document/index.js';
import {
  createMemoryIndex,
  createSqliteIndex,
  type IndexUnit,
  japaneseWeights,
  loadJapaneseAnalyzer,
} from '../index/index.js';
import { openPdf } from '../parse/pdf/load.js';
import { ParsePool } from '../parse/worker/index.js';
import { type BenchmarkOptions, baselineWeights, bigramBaseline } from './allganize.js';
import { readJsonLines, stringField } from './dataset.js';
import { InvalidDataset } from './errors.js';
import { collapseHits, compareRankers, type EvalQuery, type RetrievalComparison } from './retrieval-run.js';

export interface ManufacturingOptions extends BenchmarkOptions {
  /** Chunk budget in characters, context header included. Default 800. */
  readonly chunkSize?: number;
}

export interface ManufacturingResult extends RetrievalComparison {
  readonly benchmark: 'manufacturing-pdfs';
  readonly ocr: boolean;
  readonly files: number;
  readonly pages: number;
  readonly ocrPages: number;
  /** Text-layer pages whose images' text OCR read. */
  readonly figurePages: number;
  readonly needsOcrPages: number;
  readonly chunks: number;
  readonly meanChunkChars: number;
  readonly baselineChunks: number;
  /** Wall time to parse every PDF on all cores (OCR included when on). */
  readonly parseMs: number;
  readonly indexMs: number;
}

const dir = 'allganize-ja';

/**
 * End to end on the 12 raw manufacturing PDFs: our parser (layout, CJK repair, OCR) → structure chunks →
 * multi-view index, against the usual pipeline (pdf.js text per page → LangChain RecursiveCharacterTextSplitter
 * 1000/200 → char-bigram BM25). A hit is a chunk whose page span contains the gold page (page-span relevance);
 * the 53 questions whose PDF is present are scored, odd for tuning, even for test.
 */
export async function runManufacturingPdfs(options: ManufacturingOptions): Promise<ManufacturingResult> {
  const log = options.log ?? (() => {});
  const ocr = options.ocr ?? true;
  const root = join(options.datasetsDir, dir);
  const pdfDir = join(root, 'pdfs-manufacturing');
  const files = pdfsIn(pdfDir);
  const queries = await manufacturingQueries(root, new Set(files));
  log(`manufacturing: ${files.length} PDFs, ${queries.length} questions, OCR ${ocr ? 'on' : 'off'}`);

  const started = performance.now();
  const docs = await parseAll(pdfDir, files, ocr);
  const parseMs = performance.now() - started;
  log(`manufacturing: parsed in ${Math.round(parseMs)} ms`);
  return evaluateParsed(docs, { ...options, ocr, parseMs });
}

/** The PDFs of the folder; a missing folder is a wrong --datasets, named in one line. */
function pdfsIn(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    throw new InvalidDataset('pdfs-manufacturing', `cannot be read from ${dir}`);
  }
  return names.filter((f) => f.endsWith('.pdf')).sort();
}

/** Scores already parsed documents (the second half of `runManufacturingPdfs`), so parsing can be reused. */
export async function evaluateParsed(
  docs: readonly Document[],
  options: ManufacturingOptions & { readonly parseMs: number },
): Promise<ManufacturingResult> {
  const root = join(options.datasetsDir, dir);
  const pdfDir = join(root, 'pdfs-manufacturing');
  const files = docs.map((d) => d.source.uri);
  const queries = await manufacturingQueries(root, new Set(files));
  const pages = docs.reduce((n, d) => n + (d.metadata.pages ?? 0), 0);

  const size = options.chunkSize ?? 800;
  const units: (IndexUnit & { pages: readonly [number, number] })[] = docs.flatMap((doc) =>
    chunkByStructure(doc, { size }).map((c) => {
      const span = c.location.pages ?? [1, 1];
      return {
        id: `${doc.source.uri}#c${c.index}`,
        docId: doc.source.uri,
        order: c.index,
        text: chunkContent(c),
        pages: span,
      };
    }),
  );
  const indexStarted = performance.now();
  const db = new Database(':memory:');
  try {
    const index = createSqliteIndex(db, 'mfg', {
      analyzer: await loadJapaneseAnalyzer(),
      weights: options.weights ?? japaneseWeights,
    });
    index.add(units);
    const indexMs = performance.now() - indexStarted;
    const spans = new Map(units.map((u) => [u.id, { file: u.docId, pages: u.pages }]));

    const baselineUnits = await langchainPages(pdfDir, files);
    const baseline = createMemoryIndex({ analyzer: bigramBaseline, weights: baselineWeights });
    baseline.add(baselineUnits);
    const baselineSpans = new Map(
      baselineUnits.map((u) => [u.id, { file: u.docId, pages: [u.order, u.order] as const }]),
    );

    type Spans = Map<string, { file: string; pages: readonly [number, number] }>;
    // A hit answers when its page span covers the gold page ("file#pN").
    const asPages = (hits: readonly string[], spanOf: Spans, question: EvalQuery, k: number) => {
      const gold = [...question.relevant][0] ?? '#p0';
      const [file, page] = gold.split('#p');
      const covers = (id: string) => {
        const s = spanOf.get(id);
        return s !== undefined && s.file === file && s.pages[0] <= Number(page) && Number(page) <= s.pages[1];
      };
      return collapseHits(hits, covers, gold, k);
    };
    const comparison = compareRankers(
      queries,
      (text, k, q) =>
        asPages(
          index.search(text, k * 2).map((h) => h.unitId),
          spans,
          q,
          k,
        ),
      (text, k, q) =>
        asPages(
          baseline.search(text, k * 2).map((h) => h.unitId),
          baselineSpans,
          q,
          k,
        ),
      () => performance.now(),
    );
    return {
      benchmark: 'manufacturing-pdfs',
      ocr: options.ocr ?? true,
      files: files.length,
      pages,
      ocrPages: docs.reduce((n, d) => n + ((d.metadata.ocrPages as number[] | undefined)?.length ?? 0), 0),
      figurePages: docs.reduce(
        (n, d) => n + ((d.metadata.figureTextPages as number[] | undefined)?.length ?? 0),
        0,
      ),
      needsOcrPages: docs.reduce((n, d) => n + (d.metadata.needsOcr?.length ?? 0), 0),
      chunks: units.length,
      meanChunkChars: units.reduce((n, u) => n + u.text.length, 0) / Math.max(1, units.length),
      baselineChunks: baselineUnits.length,
      parseMs: options.parseMs,
      indexMs,
      ...comparison,
    };
  } finally {
    db.close();
  }
}

async function manufacturingQueries(root: string, present: ReadonlySet<string>): Promise<EvalQuery[]> {
  const file = 'queries.jsonl';
  const rows = await readJsonLines(root, file);
  return rows.flatMap((r) => {
    if (stringField(r, 'domain', file) !== 'manufacturing') return [];
    const relevant = (r as { relevant?: string[] }).relevant ?? [];
    const goldFile = relevant[0]?.split('#p')[0];
    if (!goldFile || !present.has(goldFile)) return [];
    const id = stringField(r, '_id', file);
    const number = Number(id.replace(/\D/g, ''));
    return [
      {
        id,
        text: stringField(r, 'text', file),
        relevant: new Set(relevant),
        labels: { context: stringField(r, 'context_type', file), file: goldFile },
        half: number % 2 === 1 ? ('tuning' as const) : ('test' as const),
      },
    ];
  });
}

async function parseAll(pdfDir: string, files: readonly string[], ocr: boolean): Promise<Document[]> {
  const fromSource = import.meta.url.endsWith('.ts');
  const textLayerOnly = {
    module: new URL(`../parse/pdf/parser.${fromSource ? 'ts' : 'js'}`, import.meta.url).href,
    export: 'parsePdfTextLayer',
  };
  const pool = new ParsePool({
    timeoutMs: 30 * 60_000,
    maxOldGenerationSizeMb: 2048,
    ...(ocr ? {} : { parsers: { pdf: textLayerOnly } }),
  });
  try {
    return await Promise.all(
      files.map((file) => {
        const bytes = new Uint8Array(readFileSync(join(pdfDir, file)));
        const sha256 = createHash('sha256').update(bytes).digest('hex');
        return pool.parse(bytes, { uri: file, format: 'pdf', sha256, bytes: bytes.length });
      }),
    );
  } finally {
    await pool.close();
  }
}

/** The LangChain default: pdf.js text of each page, split 1000/200 with RecursiveCharacterTextSplitter. */
async function langchainPages(pdfDir: string, files: readonly string[]): Promise<IndexUnit[]> {
  // Development dependencies, loaded only when this benchmark runs.
  const { RecursiveCharacterTextSplitter } = await import('@langchain/textsplitters');
  const splitter = new RecursiveCharacterTextSplitter({ chunkSize: 1000, chunkOverlap: 200 });
  const units: IndexUnit[] = [];
  for (const file of files) {
    const pdf = await openPdf(new Uint8Array(readFileSync(join(pdfDir, file))), file);
    for (let p = 1; p <= pdf.numPages; p++) {
      const content = await (await pdf.getPage(p)).getTextContent();
      const text = content.items.map((i) => ('str' in i ? i.str + (i.hasEOL ? '\n' : '') : '')).join('');
      const parts = await splitter.splitText(text);
      for (const [i, part] of parts.entries())
        units.push({ id: `${file}#p${p}#${i}`, docId: file, order: p, text: part });
    }
    await pdf.destroy();
  }
  return units;
}
