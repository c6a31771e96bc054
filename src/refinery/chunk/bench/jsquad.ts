import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Block, Document } from '../../document/index.js';
import { chunkContent, midSentenceCuts } from '../chunk.js';
import { chunkByStructure } from '../structure.js';
import { type BenchChunk, type BenchQuestion, evaluateChunks, type MethodResult } from './evaluate.js';
import { baselineName, baselineSizes, recursiveChunks } from './langchain.js';

/**
 * JSQuAD v1.3 validation as a chunking benchmark (the dataset README's recipe): each article rebuilt as one
 * document (paragraphs joined by a blank line, the "title [SEP] " prefix stripped), chunked, and a chunk is
 * relevant when it contains the gold answer span mapped into the article text.
 */

interface Squad {
  data: { title: string; paragraphs: { context: string; qas: SquadQuestion[] }[] }[];
}
interface SquadQuestion {
  id: string;
  question: string;
  answers: { text: string; answer_start: number }[];
  is_impossible?: boolean;
}

export interface Article {
  readonly doc: Document;
  readonly text: string;
  readonly questions: readonly { query: string; answer: readonly [number, number] }[];
}

/** The file the benchmark reads, inside `datasetsDir/jsquad/`. */
export const jsquadFiles = { folder: 'jsquad', files: ['valid-v1.3.json'] } as const;

export function articlesOf(squad: Squad): Article[] {
  return squad.data.map((article, a) => {
    const blocks: Block[] = [];
    const questions: { query: string; answer: readonly [number, number] }[] = [];
    let text = '';
    for (const paragraph of article.paragraphs) {
      const marker = ' [SEP] ';
      const cut = paragraph.context.indexOf(marker);
      const prefix = cut >= 0 ? cut + marker.length : 0;
      const body = paragraph.context.slice(prefix);
      if (text) text += '\n\n';
      const start = text.length;
      text += body;
      blocks.push({
        kind: 'paragraph',
        id: `b${blocks.length}`,
        text: body,
        headingPath: [],
        location: { span: [start, start + body.length] },
      });
      for (const qa of paragraph.qas) {
        const answer = qa.answers[0];
        if (qa.is_impossible || !answer || answer.answer_start < prefix) continue;
        const from = start + answer.answer_start - prefix;
        questions.push({ query: qa.question, answer: [from, from + answer.text.length] });
      }
    }
    const sha256 = createHash('sha256').update(text).digest('hex');
    const source = { uri: `jsquad/${a}`, format: 'text', sha256, bytes: Buffer.byteLength(text) };
    return { doc: { source, metadata: { title: article.title, language: 'ja' }, blocks }, text, questions };
  });
}

const contains = (span: readonly [number, number] | undefined, answer: readonly [number, number]) =>
  span !== undefined && span[0] <= answer[0] && answer[1] <= span[1];

function questionsOf(articles: readonly Article[]): BenchQuestion[] {
  return articles.flatMap((article, a) =>
    article.questions.map((q) => ({
      query: q.query,
      group: String(a),
      relevant: (chunk: BenchChunk) => contains(chunk.span, q.answer),
    })),
  );
}

/** The 59 articles as documents and their answerable questions, each relevant where its answer span lies. */
export async function loadJsquad(
  datasetsDir: string,
): Promise<{ articles: Article[]; questions: BenchQuestion[] }> {
  const path = join(datasetsDir, jsquadFiles.folder, jsquadFiles.files[0]);
  const squad = JSON.parse(await readFile(path, 'utf8')) as Squad;
  const articles = articlesOf(squad);
  return { articles, questions: questionsOf(articles) };
}

export async function runJsquad(datasetsDir: string, size: number): Promise<MethodResult[]> {
  const { articles, questions } = await loadJsquad(datasetsDir);

  const ours = articles.map((article) => chunkByStructure(article.doc, { size }));
  const structured = ours.flatMap((chunks, a) =>
    chunks.map((c) => ({ content: chunkContent(c), text: c.text, group: String(a), span: c.location.span })),
  );
  const cuts = ours.reduce(
    (s, chunks) => s + Object.values(midSentenceCuts(chunks)).reduce((a, b) => a + b, 0),
    0,
  );

  const baselines: MethodResult[] = [];
  for (const baseline of baselineSizes(size)) {
    const documents = articles.map((article, a) => ({ text: article.text, group: String(a) }));
    baselines.push(
      evaluateChunks(baselineName(baseline), await recursiveChunks(documents, baseline), questions),
    );
  }

  return [
    evaluateChunks(`structure ${size} (header + text)`, structured, questions, { midSentenceCuts: cuts }),
    evaluateChunks(
      `structure ${size} (text only)`,
      structured.map((c) => ({ ...c, content: c.text })),
      questions,
    ),
    ...baselines,
  ];
}
