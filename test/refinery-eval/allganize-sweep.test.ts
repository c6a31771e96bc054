import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepAllganize } from '../../src/refinery/eval/index.js';
import { japaneseWeights } from '../../src/refinery/index/index.js';

// A five-page, five-question dataset in allganize-ja's layout: questions 1, 3, 5 form the tuning half.
const pages = [
  ['manual.pdf', 1, 'ポンプの点検手順。電源を切り、バルブを閉めてから点検する。'],
  ['manual.pdf', 2, 'フィルターの交換は3か月ごとに行う。'],
  ['manual.pdf', 3, '異常音がする場合は軸受の摩耗を確認する。'],
  ['report.pdf', 1, '2023年度の売上高は前年比5%増加した。'],
  ['report.pdf', 2, '従業員数は120人である。'],
] as const;
const questions = [
  ['ja_0001', 'ポンプの点検手順を教えてください', 'manual.pdf#p1'],
  ['ja_0002', 'フィルターの交換頻度は？', 'manual.pdf#p2'],
  ['ja_0003', '異常音がする場合はどうしますか', 'manual.pdf#p3'],
  ['ja_0004', '2023年度の売上高は？', 'report.pdf#p1'],
  ['ja_0005', '従業員数は何人ですか', 'report.pdf#p2'],
] as const;

describe('sweepAllganize: weight sets scored on the tuning half over one index', () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'musubi-sweep-'));
    const dir = path.join(root, 'allganize-ja');
    await mkdir(dir);
    const corpus = pages.map(([file, page, text]) =>
      JSON.stringify({ _id: `${file}#p${page}`, file, page, domain: 'it', title: file, text }),
    );
    const queries = questions.map(([id, text]) =>
      JSON.stringify({ _id: id, domain: 'it', context_type: 'paragraph', text }),
    );
    const qrels = ['query-id\tcorpus-id\tscore', ...questions.map(([id, , gold]) => `${id}\t${gold}\t1`)];
    await writeFile(path.join(dir, 'corpus.jsonl'), `${corpus.join('\n')}\n`);
    await writeFile(path.join(dir, 'queries.jsonl'), `${queries.join('\n')}\n`);
    await writeFile(path.join(dir, 'qrels.tsv'), `${qrels.join('\n')}\n`);
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('scores only the odd-numbered questions, each weight set on its own', async () => {
    const result = await sweepAllganize(
      { datasetsDir: root },
      {
        default: japaneseWeights,
        // None of the tuning questions holds a number with a unit: the numbers view alone finds nothing.
        numbersOnly: { views: { numbers: 1 }, docPrior: {}, neighbour: 0 },
      },
    );
    expect(Object.keys(result).sort()).toEqual(['default', 'numbersOnly']);
    expect(result['default']?.n).toBe(3);
    expect(result['default']?.recall[1]).toBe(100);
    expect(result['default']?.mrr10).toBe(1);
    expect(result['numbersOnly']?.n).toBe(3);
    expect(result['numbersOnly']?.recall[20]).toBe(0);
  });
});
