import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Block, Document } from '../refinery/document/index.js';
import {
  cjkSpacingGaps,
  type ObservedStructure,
  observe,
  observeError,
  parseGolden,
  type StructureGolden,
  type StructureScore,
  scoreStructure,
  structureRates,
  sumScores,
} from '../refinery/eval/structure.js';
import { parseBytes } from '../refinery/parse/index.js';
import { createPdfParser } from '../refinery/parse/pdf/index.js';
import { openPdf } from '../refinery/parse/pdf/load.js';
import { asInParseWorkers, type Figure } from './measure.js';
import { readOdl } from './opendataloader.js';

/**
 * Parser quality and speed: our structure scores over the golden fixtures, and our PDF parser against
 * `@opendataloader/pdf` (a Java CLI wrapped for npm; a development dependency) on the 12 manufacturing PDFs
 * — pages per second, headings and tables found, whitespace left between CJK characters — and on the
 * goldens of the PDF fixtures and of two of those 12 documents. Without Java (or the package) the comparison is one "not available" line.
 */
const repo = new URL('../../', import.meta.url);

export async function parserFigures(datasetsDir: string): Promise<Figure[]> {
  const goldens = loadGoldens();
  const figures = await fixtureFigures(goldens);
  const pdfDir = join(datasetsDir, 'allganize-ja', 'pdfs-manufacturing');
  const files = readdirSync(pdfDir)
    .filter((f) => f.endsWith('.pdf'))
    .sort()
    .map((f) => join(pdfDir, f));
  const ours = await ourPdfRun(files);
  figures.push(...pdfjsFigures(ours, await pdfjsRun(files)));
  const odl = await openDataLoaderRun(files);
  if (typeof odl === 'string') {
    figures.push(...pdfFigures(ours, undefined));
    figures.push({ name: `@opendataloader/pdf comparison: not available (${odl})`, value: 0, unit: '' });
    return figures;
  }
  figures.push(...pdfFigures(ours, odl));
  figures.push(...(await fixtureComparison(goldens, odl.version)));
  figures.push(...realComparison(ours, odl));
  return figures;
}

/** The real-document goldens (two of the 12 PDFs), scored for both parsers from the same runs. */
function realComparison(ours: PdfRun, odl: OdlRun): Figure[] {
  const at = new URL('test/fixtures/golden/allganize-ja/', repo);
  const goldens = readdirSync(at)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => parseGolden(f, JSON.parse(readFileSync(new URL(f, at), 'utf8'))));
  const score = (run: PdfRun) =>
    sumScores(
      goldens.map((g) => {
        const blocks = run.byFile.get(baseName(g.fixture)) ?? [];
        return scoreStructure(
          g,
          observe({ source: { uri: g.fixture, format: 'pdf', sha256: '', bytes: 0 }, metadata: {}, blocks }),
        );
      }),
    );
  const [mine, theirs] = [score(ours), score(odl)];
  const label = `structure, ${goldens.length} real PDFs (${goldens.map((g) => baseName(g.fixture)).join(', ')}), vs @opendataloader/pdf ${odl.version}`;
  return [
    ...rateFigures(label, mine, theirs).filter((f) => /heading|order/.test(f.name)),
    {
      name: `${label}: steps found where the goldens have none`,
      value: mine.steps.extra,
      unit: 'steps',
      ...against('@opendataloader/pdf', theirs.steps.extra, 'steps'),
    },
  ];
}

function loadGoldens(): StructureGolden[] {
  return ['formats', 'pdf'].flatMap((dir) => {
    const at = new URL(`test/fixtures/golden/${dir}/`, repo);
    return readdirSync(at)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => parseGolden(f, JSON.parse(readFileSync(new URL(f, at), 'utf8'))));
  });
}

async function observeFixture(fixture: string): Promise<ObservedStructure> {
  try {
    const bytes = new Uint8Array(readFileSync(new URL(`test/fixtures/${fixture}`, repo)));
    return observe(await parseBytes(bytes, fixture.split('/').pop()!));
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (typeof code !== 'string') throw e;
    return observeError(code);
  }
}

const percent = (x: number) => Math.round(x * 1000) / 10;

/** A same-run baseline, or a note when it is zero (main.ts would print the ratio as infinite). */
function against(name: string, value: number, unit: string): Pick<Figure, 'baseline' | 'note'> {
  return value === 0 ? { note: `${name}: 0 ${unit}` } : { baseline: { name, value } };
}

function rateFigures(label: string, score: StructureScore, baseline?: StructureScore): Figure[] {
  const ours = structureRates(score);
  const theirs = baseline ? structureRates(baseline) : undefined;
  const names: Record<keyof typeof ours, string> = {
    headingPrecision: 'heading precision (level-aware)',
    headingRecall: 'heading recall (level-aware)',
    headingTextRecall: 'heading recall (text only)',
    stepAccuracy: 'step numbering accuracy',
    cellAccuracy: 'table-cell accuracy',
    orderAccuracy: 'reading order (pairs in order)',
  };
  return (Object.keys(names) as (keyof typeof ours)[]).map((k) => {
    const other = theirs?.[k];
    const vs = other === undefined ? {} : against('@opendataloader/pdf', percent(other), '%');
    return { name: `${label}: ${names[k]}`, value: percent(ours[k]), unit: '%', ...vs };
  });
}

/** Our parsers over every golden fixture (OCR as installed, so scanned.pdf is read when tesseract is there). */
async function fixtureFigures(goldens: readonly StructureGolden[]): Promise<Figure[]> {
  const scores = [];
  for (const g of goldens) scores.push(scoreStructure(g, await observeFixture(g.fixture)));
  const total = sumScores(scores);
  return [
    ...rateFigures(`structure, ${goldens.length} golden fixtures`, total),
    {
      name: `structure, ${goldens.length} golden fixtures: differences from the goldens`,
      value: total.gaps.length,
      unit: 'gaps',
      note: 'listed by `npx vitest run test/refinery-structure/structure.test.ts`',
    },
  ];
}

interface PdfRun {
  readonly pages: number;
  readonly seconds: number;
  /** CPU seconds of every thread that parsed (ours: this process; Java: the JVM), undefined if unknown. */
  readonly cpuSeconds: number | undefined;
  readonly headings: number;
  readonly tables: number;
  readonly cjkGaps: number;
  /** Blocks by file name, for the real-document goldens. */
  readonly byFile: ReadonlyMap<string, readonly Block[]>;
}

const baseName = (path: string) => path.split('/').pop()!;

function countRun(
  files: readonly string[],
  docs: readonly (readonly Block[])[],
  pages: number,
  seconds: number,
  cpuSeconds: number | undefined,
): PdfRun {
  const all = docs.flat();
  return {
    byFile: new Map(files.map((f, i) => [baseName(f), docs[i]!])),
    pages,
    seconds,
    cpuSeconds,
    headings: all.filter((b) => b.kind === 'heading').length,
    tables: all.filter((b) => b.kind === 'table').length,
    cjkGaps: cjkSpacingGaps(all).length,
  };
}

/**
 * One process, one file after another, OCR off, pdf.js inflating natively as in a parse worker (the JVM starts
 * once and runs its own threads: see `childCpuSeconds`).
 */
function ourPdfRun(files: readonly string[]): Promise<PdfRun> {
  return asInParseWorkers(() => ourPdfRunInProcess(files));
}

async function ourPdfRunInProcess(files: readonly string[]): Promise<PdfRun> {
  const parse = createPdfParser({ ocr: null });
  const docs: Document[] = [];
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (const file of files) {
    const bytes = new Uint8Array(readFileSync(file));
    docs.push(await parse(bytes, { uri: file, format: 'pdf', sha256: '', bytes: bytes.length }));
  }
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const pages = docs.reduce((n, d) => n + (d.metadata.pages ?? 0), 0);
  return countRun(
    files,
    docs.map((d) => d.blocks),
    pages,
    seconds,
    (used.user + used.system) / 1e6,
  );
}

/**
 * The LangChain-style baseline: pdf.js text items of each page joined as LangChain's PDFLoader joins them,
 * no layout work. It finds no headings or tables by construction; only its speed and spacing are compared.
 */
async function pdfjsRun(
  files: readonly string[],
): Promise<{ pages: number; seconds: number; cjkGaps: number }> {
  const pages: Block[] = [];
  const started = performance.now();
  for (const file of files) {
    const pdf = await openPdf(new Uint8Array(readFileSync(file)), file);
    for (let p = 1; p <= pdf.numPages; p++) {
      const content = await (await pdf.getPage(p)).getTextContent();
      const text = content.items.map((i) => ('str' in i ? i.str + (i.hasEOL ? '\n' : '') : '')).join('');
      pages.push({ id: `p${pages.length}`, kind: 'paragraph', text, headingPath: [], location: { page: p } });
    }
    await pdf.destroy();
  }
  const seconds = (performance.now() - started) / 1000;
  return { pages: pages.length, seconds, cjkGaps: cjkSpacingGaps(pages).length };
}

function pdfjsFigures(ours: PdfRun, raw: { pages: number; seconds: number; cjkGaps: number }): Figure[] {
  const label = `12 manufacturing PDFs (${ours.pages} pages), one process, OCR off, vs bare pdf.js text (LangChain PDFLoader style)`;
  return [
    {
      name: `${label}: parse speed`,
      value: ours.pages / ours.seconds,
      unit: 'pages/s',
      baseline: { name: 'pdf.js text', value: raw.pages / raw.seconds },
    },
    {
      name: `${label}: whitespace runs left between two CJK characters`,
      value: ours.cjkGaps,
      unit: 'gaps',
      ...against('pdf.js text', raw.cjkGaps, 'gaps'),
    },
  ];
}

interface OdlRun extends PdfRun {
  readonly version: string;
}

/** Runs the bundled JAR once over all files (one JVM start, counted in the time); a reason string when it cannot. */
async function openDataLoaderRun(files: readonly string[]): Promise<OdlRun | string> {
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (java.error || java.status !== 0) return 'java not found on PATH';
  let convert: typeof import('@opendataloader/pdf').convert;
  try {
    // A development dependency: absent from a production install.
    ({ convert } = await import('@opendataloader/pdf'));
  } catch {
    return '@opendataloader/pdf is not installed (npm i -D)';
  }
  const out = mkdtempSync(join(tmpdir(), 'musubi-odl-'));
  try {
    const childCpu = childCpuSeconds();
    const started = performance.now();
    await convert([...files], { outputDir: out, format: 'json', quiet: true, imageOutput: 'off' });
    const seconds = (performance.now() - started) / 1000;
    const childCpuAfter = childCpuSeconds();
    const cpuSeconds =
      childCpu === undefined || childCpuAfter === undefined ? undefined : childCpuAfter - childCpu;
    const results = files.map((f) => readOdl(join(out, `${baseName(f).replace(/\.pdf$/, '')}.json`)));
    const pages = results.reduce((n, r) => n + r.pages, 0);
    const version = readOdlVersion();
    return {
      ...countRun(
        files,
        results.map((r) => r.blocks),
        pages,
        seconds,
        cpuSeconds,
      ),
      version,
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/**
 * CPU seconds of this process's finished children (Linux `/proc/self/stat` cutime + cstime): the JVM runs its
 * JIT compilers and garbage collector on threads of their own, so its wall time hides how many cores it used.
 */
function childCpuSeconds(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is the state (field 3): cutime and cstime are fields 16 and 17
    const ticks = Number(fields[13]) + Number(fields[14]);
    const hz = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
    return Number.isFinite(ticks) ? ticks / hz : undefined;
  } catch {
    return undefined;
  }
}

function readOdlVersion(): string {
  const pkg = new URL('node_modules/@opendataloader/pdf/package.json', repo);
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
}

function pdfFigures(ours: PdfRun, odl: OdlRun | undefined): Figure[] {
  const vs = (value: (r: PdfRun) => number) =>
    odl ? { baseline: { name: `@opendataloader/pdf ${odl.version}`, value: value(odl) } } : {};
  const label = `12 manufacturing PDFs (${ours.pages} pages), one process, OCR off`;
  return [
    {
      name: `${label}: parse speed`,
      value: ours.pages / ours.seconds,
      unit: 'pages/s',
      ...vs((r) => r.pages / r.seconds),
      ...(odl
        ? {
            note: `the Java figure includes one JVM start${
              odl.cpuSeconds === undefined || odl.seconds <= 0
                ? ''
                : `; the JVM kept ${(odl.cpuSeconds / odl.seconds).toFixed(1)} cores busy (JIT and GC threads), ours one`
            }`,
          }
        : {}),
    },
    ...(ours.cpuSeconds !== undefined && (odl === undefined || odl.cpuSeconds !== undefined)
      ? [
          {
            // Lower is better: the cost of a page whatever the number of cores.
            name: `${label}: CPU time per page (every thread)`,
            value: (ours.cpuSeconds / ours.pages) * 1000,
            unit: 'CPU-ms/page',
            ...(odl?.cpuSeconds === undefined
              ? {}
              : {
                  baseline: {
                    name: `@opendataloader/pdf ${odl.version}`,
                    value: (odl.cpuSeconds / odl.pages) * 1000,
                  },
                }),
          },
        ]
      : []),
    { name: `${label}: headings found`, value: ours.headings, unit: 'headings', ...vs((r) => r.headings) },
    { name: `${label}: tables found`, value: ours.tables, unit: 'tables', ...vs((r) => r.tables) },
    {
      name: `${label}: whitespace runs left between two CJK characters`,
      value: ours.cjkGaps,
      unit: 'gaps',
      ...vs((r) => r.cjkGaps),
    },
  ];
}

/**
 * The PDF fixtures' goldens scored for both parsers, with no OCR on either side: the scans (pages that need
 * OCR) and the report whose figure is read by OCR are left out.
 */
async function fixtureComparison(goldens: readonly StructureGolden[], version: string): Promise<Figure[]> {
  const parse = createPdfParser({ ocr: null });
  const fixturePath = (g: StructureGolden) => new URL(`test/fixtures/${g.fixture}`, repo).pathname;
  const pdfs: StructureGolden[] = [];
  for (const g of goldens) {
    if (!g.fixture.startsWith('pdf/') || g.error || g.fixture === 'pdf/figure-image.pdf') continue;
    const bytes = new Uint8Array(readFileSync(fixturePath(g)));
    const doc = await parse(bytes, { uri: g.fixture, format: 'pdf', sha256: '', bytes: 0 });
    if ((doc.metadata.needsOcr ?? []).length === 0) pdfs.push(g);
  }
  const { convert } = await import('@opendataloader/pdf');
  const out = mkdtempSync(join(tmpdir(), 'musubi-odl-'));
  try {
    const paths = pdfs.map(fixturePath);
    await convert(paths, { outputDir: out, format: 'json', quiet: true, imageOutput: 'off' });
    const ours: StructureScore[] = [];
    const theirs: StructureScore[] = [];
    for (const [i, g] of pdfs.entries()) {
      const bytes = new Uint8Array(readFileSync(paths[i]!));
      ours.push(
        scoreStructure(
          g,
          observe(await parse(bytes, { uri: g.fixture, format: 'pdf', sha256: '', bytes: 0 })),
        ),
      );
      const name = g.fixture
        .split('/')
        .pop()!
        .replace(/\.pdf$/, '');
      const blocks = readOdl(join(out, `${name}.json`)).blocks;
      theirs.push(
        scoreStructure(
          g,
          observe({ source: { uri: name, format: 'pdf', sha256: '', bytes: 0 }, metadata: {}, blocks }),
        ),
      );
    }
    return rateFigures(
      `structure, ${pdfs.length} PDF fixtures, vs @opendataloader/pdf ${version}`,
      sumScores(ours),
      sumScores(theirs),
    );
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
