import { createHash } from 'node:crypto';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Block, Document } from '../../document/index.js';
import { chunkContent, midSentenceCuts } from '../chunk.js';
import { chunkByStructure } from '../structure.js';
import { type BenchChunk, type BenchQuestion, evaluateChunks, type MethodResult } from './evaluate.js';
import { baselineName, baselineSizes, recursiveChunks } from './langchain.js';

/**
 * LumberChunker's GutenQA example (Emma): the book rebuilt from its 2,287 paragraphs under chapter headings,
 * chunked, and a chunk is relevant when it contains the question's "Chunk Must Contain" passage
 * (case-insensitive, whitespace-insensitive). The repo's precomputed chunk sets are scored on the same BM25.
 */

const FOLDER = 'lumberchunker-emma';
const BOOK = 'Emma_-_Jane_Austen_Paragraph.xlsx';
const QUESTIONS = 'Questions_-_Emma_-_Jane_Austen.xlsx';
const PRECOMPUTED = [
  ['lumberchunker gemini (precomputed)', 'Gemini_Chunks_-_Emma_-_Jane_Austen.xlsx'],
  ['fixed 450 words (precomputed)', 'Emma_-_Jane_Austen_Fixed_Length_450.xlsx'],
  ['langchain (precomputed)', 'Emma_-_Jane_Austen_Langchain.xlsx'],
  ['semantic (precomputed)', 'Emma_-_Jane_Austen_Semantic.xlsx'],
] as const;

/** Every file the benchmark reads, inside `datasetsDir/lumberchunker-emma/`. */
export const emmaFiles = { folder: FOLDER, files: [BOOK, QUESTIONS, ...PRECOMPUTED.map(([, file]) => file)] };

/** Rows of the first sheet as objects keyed by the header row. */
async function sheetRows(path: string): Promise<Record<string, string>[]> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(path);
  const sheet = book.worksheets[0];
  if (!sheet) return [];
  const header = (sheet.getRow(1).values as unknown[]).map((v) =>
    v === null || v === undefined ? '' : String(v),
  );
  const rows: Record<string, string>[] = [];
  sheet.eachRow((row, n) => {
    if (n === 1) return;
    const record: Record<string, string> = {};
    row.eachCell((cell, col) => {
      record[header[col] ?? String(col)] = cell.text;
    });
    rows.push(record);
  });
  return rows;
}

/** Case, whitespace, quotes and dashes folded: the question sheet and the book disagree on them. */
const normalise = (text: string) =>
  text
    .toLowerCase()
    .replace(/['"‘’“”]/g, '')
    .replace(/[—–]/g, '-')
    .replace(/\s+/g, ' ')
    .trim();

export function bookDocument(paragraphs: readonly { chapter: string; text: string }[]): Document {
  const blocks: Block[] = [];
  let chapter: string | undefined;
  for (const p of paragraphs) {
    if (p.chapter !== chapter) {
      chapter = p.chapter;
      blocks.push({
        kind: 'heading',
        id: `b${blocks.length}`,
        level: 1,
        text: chapter,
        headingPath: [],
        location: {},
      });
    }
    blocks.push({
      kind: 'paragraph',
      id: `b${blocks.length}`,
      text: p.text,
      headingPath: [chapter],
      location: {},
    });
  }
  const text = paragraphs.map((p) => p.text).join('\n\n');
  const sha256 = createHash('sha256').update(text).digest('hex');
  return {
    source: { uri: 'gutenqa/emma', format: 'text', sha256, bytes: Buffer.byteLength(text) },
    metadata: { title: 'Emma', language: 'en' },
    blocks,
  };
}

/** The book as one document, its plain text (paragraphs joined by a blank line) and the 30 questions. */
export async function loadEmma(
  datasetsDir: string,
): Promise<{ doc: Document; text: string; questions: BenchQuestion[] }> {
  const dir = join(datasetsDir, FOLDER);
  const paragraphs = (await sheetRows(join(dir, BOOK)))
    .map((r) => ({ chapter: r['Chapter'] ?? '', text: r['Chunk'] ?? '' }))
    .filter((p) => p.text.trim() !== '');
  const questions: BenchQuestion[] = (await sheetRows(join(dir, QUESTIONS)))
    .filter((r) => r['Question'] && r['Chunk Must Contain'])
    .map((r) => {
      const must = normalise(r['Chunk Must Contain']!);
      return {
        query: r['Question']!,
        group: 'emma',
        relevant: (c: BenchChunk) => normalise(c.text).includes(must),
      };
    });

  const text = paragraphs.map((p) => p.text).join('\n\n');
  return { doc: bookDocument(paragraphs), text, questions };
}

export async function runEmma(datasetsDir: string, size: number): Promise<MethodResult[]> {
  const dir = join(datasetsDir, FOLDER);
  const { doc, text, questions } = await loadEmma(datasetsDir);
  const chunks = chunkByStructure(doc, { size });
  const ours = chunks.map((c) => ({ content: chunkContent(c), text: c.text, group: 'emma' }));
  const cuts = midSentenceCuts(chunks);

  const book = [{ text, group: 'emma' }];
  const results = [
    evaluateChunks(`structure ${size} (header + text)`, ours, questions, {
      midSentenceCuts: cuts.line + cuts.clause + cuts.character,
    }),
    evaluateChunks(
      `structure ${size} (text only)`,
      ours.map((c) => ({ ...c, content: c.text })),
      questions,
    ),
  ];
  for (const baseline of baselineSizes(size)) {
    results.push(evaluateChunks(baselineName(baseline), await recursiveChunks(book, baseline), questions));
  }
  for (const [method, file] of PRECOMPUTED) {
    const texts = (await sheetRows(join(dir, file)))
      .map((r) => r['Chunk'] ?? '')
      .filter((t) => t.trim() !== '');
    results.push(
      evaluateChunks(
        method,
        texts.map((t) => ({ content: t, text: t, group: 'emma' })),
        questions,
      ),
    );
  }
  return results;
}
