import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { IndexUnit } from '../../src/refinery/index/index.js';

/** The allganize-ja pages and questions (`../shared/datasets`), read the way the eval reads them. */
export const allganizeDir = path.resolve(process.cwd(), '../shared/datasets/allganize-ja');

export interface Question {
  readonly id: string;
  readonly text: string;
  readonly relevant: ReadonlySet<string>;
  readonly half: 'tuning' | 'test';
}

async function jsonLines(file: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(path.join(allganizeDir, file), 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

export async function allganizePages(): Promise<IndexUnit[]> {
  return (await jsonLines('corpus.jsonl')).map((r) => ({
    id: String(r['_id']),
    docId: String(r['file']),
    order: Number(r['page']),
    context: String(r['title']),
    text: String(r['text']),
  }));
}

export async function allganizeQuestions(): Promise<Question[]> {
  return (await jsonLines('queries.jsonl')).map((r) => {
    const id = String(r['_id']);
    return {
      id,
      text: String(r['text']),
      relevant: new Set(r['relevant'] as string[]),
      half: Number(id.replace(/\D/g, '')) % 2 === 1 ? 'tuning' : 'test',
    };
  });
}
