import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { openCorpus } from '../refinery/corpus/index.js';
import { baselineWeights, bigramBaseline } from '../refinery/eval/allganize.js';
import { readJsonLines, stringField } from '../refinery/eval/dataset.js';
import { bigramAccuracy } from '../refinery/eval/text-accuracy.js';
import {
  createMemoryIndex,
  createSqliteIndex,
  japaneseWeights,
  loadJapaneseAnalyzer,
} from '../refinery/index/index.js';
import { openPdf } from '../refinery/parse/pdf/load.js';
import { systemFigureOcr, systemOcr, tesseractOcr } from '../refinery/parse/pdf/ocr.js';
import { createPdfParser, parsePdfTextLayer } from '../refinery/parse/pdf/parser.js';
import { defaultRefineSettings, refine } from '../refinery/pipeline/index.js';
import { asInParseWorkers, type Figure } from './measure.js';

const textLayerOnly = {
  module: new URL('../refinery/parse/pdf/parser.js', import.meta.url).href,
  export: 'parsePdfTextLayer',
};

/** Wall seconds and CPU seconds of every thread of this process (workers included) spent in `work`. */
async function timed<T>(work: () => Promise<T>): Promise<{ result: T; seconds: number; cpuSeconds: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await work();
  const used = process.cpuUsage(cpu);
  return {
    result,
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: (used.user + used.system) / 1e6,
  };
}

/**
 * Text-layer pages through the production pipeline (`musubi refine`: parse, chunk and tokenise in the
 * workers on both cores, one store transaction per document) into a fresh store, against bare pdf.js
 * text extraction of the same pages on one thread. Dictionary loading and worker start-up are counted.
 * CPU seconds per page (all threads) are compared with our PDF parser alone on one thread: unlike pages per
 * second, that ratio hardly moves when other processes share the cores.
 */
async function throughput(pdfDir: string): Promise<Figure[]> {
  const files = readdirSync(pdfDir)
    .filter((f) => f.endsWith('.pdf'))
    .sort();
  const inputs = files.map((f) => ({ file: f, bytes: new Uint8Array(readFileSync(join(pdfDir, f))) }));
  const dir = mkdtempSync(join(tmpdir(), 'musubi-refine-bench-'));
  let seconds: number;
  let cpuSeconds: number;
  let pages: number;
  try {
    const store = join(dir, 'store');
    const run = await timed(() =>
      refine([pdfDir], {
        store,
        config: { parseTimeoutMs: 600_000, parseMemoryMb: 2048 },
        parsers: { pdf: textLayerOnly },
      }),
    );
    ({ seconds, cpuSeconds } = run);
    const summary = run.result;
    if (summary.failed > 0)
      throw new Error(`refine failed on ${summary.failures.map((f) => f.uri).join(', ')}`);
    const corpus = openCorpus({ dir: store, participantId: defaultRefineSettings.participantId });
    pages = corpus.documents().reduce((n, d) => n + (d.metadata.pages ?? 0), 0);
    corpus.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const bare = await timed(async () => {
    for (const i of inputs) {
      const pdf = await openPdf(i.bytes, i.file);
      for (let p = 1; p <= pdf.numPages; p++) await (await pdf.getPage(p)).getTextContent();
      await pdf.destroy();
    }
  });
  const parseOnly = await timed(() =>
    asInParseWorkers(async () => {
      for (const i of inputs) {
        const source = { uri: i.file, format: 'pdf', sha256: '', bytes: i.bytes.length };
        await parsePdfTextLayer(i.bytes, source);
      }
    }),
  );
  const cores = Math.min(availableParallelism(), defaultRefineSettings.workers ?? availableParallelism());
  return [
    {
      name: `refinery: ${files.length} manufacturing PDFs (${pages} pages, text layer) parse + chunk + index, 2 workers`,
      value: pages / seconds,
      unit: 'pages/s',
      baseline: { name: 'bare pdf.js getTextContent, one thread', value: pages / bare.seconds },
    },
    {
      // In milliseconds, so the table's two decimals keep the figure's precision.
      name: 'refinery: the same refine, CPU time per page (every thread, process.cpuUsage)',
      value: (cpuSeconds / pages) * 1000,
      unit: 'CPU-ms/page',
      baseline: {
        name: 'our PDF parser alone (parse only, inflating natively as in a worker), one thread',
        value: (parseOnly.cpuSeconds / pages) * 1000,
      },
      note: `cores busy ${Math.round((cpuSeconds / (seconds * cores)) * 100)} % of the run; bare pdf.js text ${((bare.cpuSeconds / pages) * 1000).toFixed(1)} CPU-ms/page`,
    },
  ];
}

/** Query latency over the 2,126 allganize pages in a running process, against plain bigram BM25. */
async function searchLatency(datasetsDir: string): Promise<Figure[]> {
  const root = join(datasetsDir, 'allganize-ja');
  const units = (await readJsonLines(root, 'corpus.jsonl')).map((r) => ({
    id: stringField(r, '_id', 'corpus'),
    docId: stringField(r, 'file', 'corpus'),
    order: Number((r as { page: number }).page),
    text: `${stringField(r, 'title', 'corpus')}\n${stringField(r, 'text', 'corpus')}`,
  }));
  const queries = (await readJsonLines(root, 'queries.jsonl')).map((r) => stringField(r, 'text', 'queries'));
  const db = new Database(':memory:');
  const index = createSqliteIndex(db, 'lat', {
    analyzer: await loadJapaneseAnalyzer(),
    weights: japaneseWeights,
  });
  index.add(units);
  const baseline = createMemoryIndex({ analyzer: bigramBaseline, weights: baselineWeights });
  baseline.add(units);
  const time = (search: (q: string) => unknown) => {
    const samples = queries.map((q) => {
      const t = performance.now();
      search(q);
      return performance.now() - t;
    });
    samples.sort((a, b) => a - b);
    return {
      p50: samples[Math.floor(samples.length / 2)] ?? 0,
      p95: samples[Math.floor(samples.length * 0.95)] ?? 0,
    };
  };
  // The first pass reads each term's postings from FTS5 as it meets them; later passes find them cached.
  const first = time((q) => index.search(q, 10));
  const ours = time((q) => index.search(q, 10));
  const base = time((q) => baseline.search(q, 10));
  db.close();
  return [
    {
      name: 'search: allganize corpus (2,126 pages), five views on SQLite FTS5, p50 (running process)',
      value: ours.p50,
      unit: 'ms',
      baseline: { name: 'bigram BM25 in memory p50', value: base.p50 },
    },
    { name: 'search: allganize corpus, five views, p95 (running process)', value: ours.p95, unit: 'ms' },
    {
      name: 'search: allganize corpus, five views, first pass over the 300 questions after opening',
      value: first.p50,
      unit: 'ms',
      note: `p50; p95 ${first.p95.toFixed(1)} ms (term postings read from FTS5 on first use, then cached)`,
    },
  ];
}

/** Peak RSS while parsing a ~1,000-page PDF made with pdfunite (skipped with a note when poppler is absent). */
async function bigPdf(pdfDir: string): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'musubi-bigpdf-'));
  try {
    const out = join(dir, 'big.pdf');
    const parts: string[] = [];
    try {
      // pdfunite refuses encrypted (permission-only) files: take the others, repeated up to ~1,000 pages.
      const mergeable = readdirSync(pdfDir)
        .filter((f) => f.endsWith('.pdf'))
        .sort()
        .map((f) => join(pdfDir, f))
        .filter((f) => {
          try {
            execFileSync('pdfunite', [f, join(dir, 'probe.pdf')], { stdio: 'ignore' });
            return true;
          } catch {
            return false;
          }
        })
        .map((f) => ({
          f,
          pages: Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [f], { encoding: 'utf8' }))?.[1] ?? 0),
        }));
      let total = 0;
      while (total < 1000 && mergeable.length > 0) {
        for (const m of mergeable) {
          parts.push(m.f);
          total += m.pages;
        }
      }
      execFileSync('pdfunite', [...parts, out], { stdio: 'ignore' });
    } catch {
      return [
        {
          name: 'refinery: ~1,000-page PDF peak RSS',
          value: 0,
          unit: 'MiB',
          note: 'pdfunite/pdfinfo not installed',
        },
      ];
    }
    // Within a 1 GiB heap first; if the parse cannot finish there, again with room to see the real peak.
    const within = await peakWhileParsing(out, 1024);
    const measured = within.pages > 0 ? within : await peakWhileParsing(out, 4096);
    return [
      {
        name: `refinery: ${measured.pages}-page PDF (pdfunite of the mergeable manufacturing PDFs), text layer, peak RSS of the parsing process`,
        value: measured.peak / 2 ** 20,
        unit: 'MiB',
        note: `${within.pages > 0 ? 'parsed within a 1 GiB heap' : 'needed more than a 1 GiB heap'}; ${Math.round(measured.pagesPerSecond * 10) / 10} pages/s in one thread`,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Parses in a fresh child process (text layer, heap capped) and reports that process's peak RSS, so the
 * figure is the parse's own and not the bench's dictionaries and indexes.
 */
async function peakWhileParsing(
  file: string,
  heapMb: number,
): Promise<{ pages: number; peak: number; pagesPerSecond: number }> {
  const parser = new URL('../refinery/parse/pdf/index.js', import.meta.url).href;
  const script = `
    import { readFileSync } from 'node:fs';
    const { parsePdfTextLayer } = await import(${JSON.stringify(parser)});
    const bytes = new Uint8Array(readFileSync(process.argv[1]));
    let peak = process.memoryUsage().rss;
    const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 50);
    const started = performance.now();
    const doc = await parsePdfTextLayer(bytes, { uri: 'big.pdf', format: 'pdf', sha256: '', bytes: bytes.length });
    clearInterval(timer);
    const pages = doc.metadata.pages ?? 0;
    console.log(JSON.stringify({ pages, peak, pagesPerSecond: pages / ((performance.now() - started) / 1000) }));`;
  try {
    const out = execFileSync(
      process.execPath,
      [`--max-old-space-size=${heapMb}`, '--input-type=module', '-e', script, file],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        maxBuffer: 1 << 20,
      },
    );
    return JSON.parse(out.trim().split('\n').at(-1) ?? '{}');
  } catch {
    return { pages: 0, peak: 0, pagesPerSecond: 0 };
  }
}

/**
 * Seconds per OCR page: the pages of the 12 PDFs our parser sends to OCR (found by a parse whose OCR only
 * records what it is asked), each rasterised and read on its own (pdftoppm 300 dpi + tesseract jpn, one
 * thread). A parse reads two such pages at a time. At most `sample` pages, spread over the documents.
 */
async function ocrSpeed(pdfDir: string, sample = 8): Promise<Figure[]> {
  const name =
    'refinery: OCR of the 12 PDFs’ pages without a usable text layer (pdftoppm 300 dpi + tesseract jpn, one thread)';
  const ocr = await systemOcr();
  if (ocr === undefined)
    return [{ name, value: 0, unit: 's/page', note: 'pdftoppm or tesseract not installed' }];
  const wanted: { bytes: Uint8Array; page: number }[] = [];
  for (const f of readdirSync(pdfDir)
    .filter((x) => x.endsWith('.pdf'))
    .sort()) {
    const bytes = new Uint8Array(readFileSync(join(pdfDir, f)));
    const asked: number[] = [];
    const recorder = async (_pdf: Uint8Array, pages: readonly number[]) => {
      asked.push(...pages);
      return new Map();
    };
    await createPdfParser({ ocr: recorder })(bytes, {
      uri: f,
      format: 'pdf',
      sha256: '',
      bytes: bytes.length,
    });
    for (const page of asked) wanted.push({ bytes, page });
  }
  if (wanted.length === 0) return [{ name, value: 0, unit: 's/page', note: 'no page needed OCR' }];
  const step = Math.max(1, Math.floor(wanted.length / sample));
  const picked = wanted.filter((_, i) => i % step === 0).slice(0, sample);
  let lines = 0;
  const started = performance.now();
  for (const w of picked) lines += (await ocr(w.bytes, [w.page])).get(w.page)?.lines.length ?? 0;
  const seconds = (performance.now() - started) / 1000;
  return [
    {
      name,
      value: seconds / picked.length,
      unit: 's/page',
      note: `${picked.length} of the ${wanted.length} pages that need OCR, ${lines} lines read; a parse reads two such pages at a time`,
    },
  ];
}

/**
 * Text in the images of text-layer pages: every PDF of the 12 parsed with figure OCR only (no scanned pages),
 * against the same parse without it, one thread each, in the same run. Seconds per image region read.
 */
async function figureOcrSpeed(pdfDir: string): Promise<Figure[]> {
  const name =
    'refinery: OCR of the text in large images on the 12 PDFs’ text-layer pages (pdfimages + pdftoppm + tesseract)';
  const figureOcr = await systemFigureOcr();
  if (figureOcr === undefined)
    return [{ name, value: 0, unit: 's/region', note: 'pdfimages, pdftoppm or tesseract not installed' }];
  let regions = 0;
  const counting: typeof figureOcr = {
    imagePages: figureOcr.imagePages,
    read: (pdf, asked) => {
      regions += asked.length;
      return figureOcr.read(pdf, asked);
    },
  };
  const withFigures = createPdfParser({ ocr: null, figureOcr: counting });
  const without = createPdfParser({ ocr: null, figureOcr: null });
  let on = 0;
  let off = 0;
  let pages = 0;
  let blocks = 0;
  for (const f of readdirSync(pdfDir)
    .filter((x) => x.endsWith('.pdf'))
    .sort()) {
    const bytes = new Uint8Array(readFileSync(join(pdfDir, f)));
    const source = { uri: f, format: 'pdf', sha256: '', bytes: bytes.length };
    let started = performance.now();
    await without(bytes, source);
    off += performance.now() - started;
    started = performance.now();
    const doc = await withFigures(bytes, source);
    on += performance.now() - started;
    const read = (doc.metadata.figureTextPages as number[] | undefined) ?? [];
    pages += read.length;
    blocks += doc.blocks.filter((b) => b.kind === 'figure' && read.includes(b.location.page ?? 0)).length;
  }
  return [
    {
      name,
      value: regions === 0 ? 0 : (on - off) / 1000 / regions,
      unit: 's/region',
      note: `${regions} image regions read (two at a time), ${blocks} figures with text on ${pages} pages; whole parse ${(on / 1000).toFixed(1)} s against ${(off / 1000).toFixed(1)} s without`,
    },
  ];
}

/**
 * OCR accuracy where the answer is known: the middle text-layer page of each of the 12 PDFs is rasterised and
 * read as if scanned, and the reading is scored against the page's text layer (character-bigram F1, the
 * index's units). Our OCR (jpn; eng+jpn again for a page that reads as Latin script) against tesseract with
 * jpn+eng on every page, in the same run. The text layer keeps running headers the parser sets aside, so
 * both sides read them.
 */
async function ocrAccuracy(pdfDir: string): Promise<Figure[]> {
  const name = 'refinery: OCR of text-layer pages scored against their text layer (character-bigram F1)';
  if ((await systemOcr()) === undefined)
    return [{ name, value: 0, unit: 'F1', note: 'pdftoppm or tesseract not installed' }];
  const pages: { bytes: Uint8Array; page: number; text: string }[] = [];
  for (const f of readdirSync(pdfDir)
    .filter((x) => x.endsWith('.pdf'))
    .sort()) {
    const bytes = new Uint8Array(readFileSync(join(pdfDir, f)));
    const doc = await parsePdfTextLayer(bytes, { uri: f, format: 'pdf', sha256: '', bytes: bytes.length });
    const text = new Map<number, string>();
    for (const b of doc.blocks) {
      const page = b.location.page;
      if (page !== undefined) text.set(page, `${text.get(page) ?? ''}${b.text}\n`);
    }
    const full = [...text].filter(([, t]) => t.replace(/\s/g, '').length >= 200).map(([page]) => page);
    const page = full[Math.floor(full.length / 2)];
    if (page !== undefined) pages.push({ bytes, page, text: text.get(page)! });
  }
  const score = async (ocr: ReturnType<typeof tesseractOcr>) => {
    const started = performance.now();
    const f1: number[] = [];
    for (const p of pages) {
      const read = (await ocr(p.bytes, [p.page])).get(p.page)?.lines ?? [];
      f1.push(bigramAccuracy(p.text, read.map((l) => l.text).join('\n')).f1);
    }
    const mean = f1.reduce((a, b) => a + b, 0) / f1.length;
    return { mean, seconds: (performance.now() - started) / 1000 / pages.length };
  };
  const ours = await score(tesseractOcr());
  const both = await score(tesseractOcr({ languages: 'jpn+eng' }));
  return [
    {
      name,
      value: Number(ours.mean.toFixed(4)),
      unit: 'F1',
      baseline: { name: 'tesseract jpn+eng on every page', value: Number(both.mean.toFixed(4)) },
      note: `${pages.length} pages, one per PDF; ${ours.seconds.toFixed(2)} s/page against ${both.seconds.toFixed(2)} s/page`,
    },
  ];
}

/** Median wall milliseconds of `runs` fresh processes of `node <args>`. */
function medianSpawnMs(args: readonly string[], runs = 5): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    execFileSync(process.execPath, [...args], { stdio: 'ignore' });
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(runs / 2)] ?? 0;
}

/**
 * What a person waits for at the terminal: `musubi search` in a fresh process over a small store (the bundled
 * samples), `musubi --help`, and the Japanese dictionary load alone, each against a bare `node -e 0` start.
 */
async function coldStart(): Promise<Figure[]> {
  const cli = fileURLToPath(new URL('../cli/main.js', import.meta.url));
  const samples = fileURLToPath(new URL('../../samples', import.meta.url));
  const morphology = new URL('../refinery/text/morphology.js', import.meta.url).href;
  const dir = mkdtempSync(join(tmpdir(), 'musubi-cold-'));
  try {
    const store = join(dir, 'store');
    execFileSync(process.execPath, [cli, 'refine', samples, '--store', store], { stdio: 'ignore' });
    const bare = medianSpawnMs(['-e', '0']);
    const baseline = { name: 'bare `node -e 0`', value: bare };
    const dictionary = medianSpawnMs([
      '--input-type=module',
      '-e',
      `const { loadMorphology } = await import(${JSON.stringify(morphology)}); await loadMorphology();`,
    ]);
    return [
      {
        name: 'CLI cold start: `musubi search "ポンプの分解前に何を確認する？"` in a fresh process (samples store), median of 5',
        value: medianSpawnMs([cli, 'search', 'ポンプの分解前に何を確認する？', '--store', store]),
        unit: 'ms',
        baseline,
        note: `of which the Japanese dictionary (kuromoji IPADIC) loads in ${Math.round(dictionary - bare)} ms`,
      },
      {
        name: 'CLI cold start: `musubi --help`, median of 5',
        value: medianSpawnMs([cli, '--help']),
        unit: 'ms',
        baseline,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function refineryFigures(datasetsDir: string): Promise<Figure[]> {
  const pdfDir = join(datasetsDir, 'allganize-ja', 'pdfs-manufacturing');
  return [
    ...(await throughput(pdfDir)),
    ...(await searchLatency(datasetsDir)),
    ...(await coldStart()),
    ...(await bigPdf(pdfDir)),
    ...(await ocrSpeed(pdfDir)),
    ...(await ocrAccuracy(pdfDir)),
    ...(await figureOcrSpeed(pdfDir)),
  ];
}
