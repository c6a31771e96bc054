/**
 * Parser throughput on synthetic Japanese documents of a few MiB and on the shared evaluation files.
 * Run: `npx vite-node test/refinery-parse/measure-throughput.ts` (prints one line per input: size, best
 * of 3 runs, MiB/s, blocks). Not part of `npm test`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { parseBytes } from '../../src/refinery/parse/index.js';

const encode = (s: string): Uint8Array => new TextEncoder().encode(s);

function japaneseText(sections: number): string {
  const parts: string[] = [];
  for (let i = 1; i <= sections; i++) {
    parts.push(
      `第${i}章　冷却ポンプの点検`,
      '本章は冷却ポンプの分解点検の要領を定める。作業は有資格者が行うこと。',
      '',
    );
    parts.push('【注意】作業前に必ず電源を遮断し、表示札を掛けること。');
    for (const [n, m] of ['①', '②', '③', '④'].entries())
      parts.push(`${m}手順${n + 1}の作業を実施し、結果を記録表に記入する。`);
    parts.push('');
  }
  return parts.join('\n');
}

function japaneseMarkdown(sections: number): string {
  const parts: string[] = ['# 保守手順書', ''];
  for (let i = 1; i <= sections; i++) {
    parts.push(`## ${i}. 作業手順`, '', '> 注意：作業前に必ず電源を遮断すること。', '');
    for (let n = 1; n <= 4; n++) parts.push(`${n}. 手順${n}の作業を実施し、結果を記録表に記入する。`);
    parts.push(
      '',
      '| 項目 | 基準値 | 測定値 |',
      '| --- | --- | --- |',
      '| 振動 | 2.8 mm/s 以下 | 1.9 mm/s |',
      '',
    );
  }
  return parts.join('\n');
}

function japaneseHtml(sections: number): string {
  const parts: string[] = ['<html><body><h1>保守手順書</h1>'];
  for (let i = 1; i <= sections; i++) {
    parts.push(`<h2>${i}. 作業手順</h2><p>注意：作業前に必ず電源を遮断すること。</p><ol>`);
    for (let n = 1; n <= 4; n++) parts.push(`<li>手順${n}の作業を実施し、結果を記録表に記入する。</li>`);
    parts.push(
      '</ol><table><tr><th>項目</th><th>基準値</th></tr><tr><td>振動</td><td>2.8 mm/s 以下</td></tr></table>',
    );
  }
  return `${parts.join('\n')}</body></html>`;
}

function csv(rows: number): string {
  const lines = ['品番,品名,数量,備考'];
  for (let i = 0; i < rows; i++) lines.push(`P-${i},冷却ポンプ,${i % 7},"予備品, 倉庫${i % 13}に保管"`);
  return lines.join('\r\n');
}

async function xlsx(rows: number): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('部品表');
  ws.addRow(['品番', '品名', '数量', '備考']);
  for (let i = 0; i < rows; i++) ws.addRow([`P-${i}`, '冷却ポンプ', i % 7, `倉庫${i % 13}`]);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

async function measure(name: string, bytes: Uint8Array): Promise<void> {
  let best = Number.POSITIVE_INFINITY;
  let blocks = 0;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const doc = await parseBytes(bytes, name);
    best = Math.min(best, performance.now() - t0);
    blocks = doc.blocks.length;
  }
  const mib = bytes.length / 1024 / 1024;
  console.log(
    `${name.padEnd(40)} ${mib.toFixed(2).padStart(6)} MiB ${best.toFixed(0).padStart(6)} ms ${(mib / (best / 1000)).toFixed(1).padStart(6)} MiB/s ${String(blocks).padStart(7)} blocks`,
  );
}

await measure('synthetic.txt', encode(japaneseText(8000)));
// micromark (mdast) is the bottleneck here, ~0.1 MiB/s on Japanese lists and tables: kept small.
await measure('synthetic.md', encode(japaneseMarkdown(400)));
await measure('synthetic.html', encode(japaneseHtml(6000)));
await measure('synthetic.csv', encode(csv(60_000)));
await measure('synthetic.xlsx', await xlsx(20_000));
const shared = join(process.cwd(), '..', 'shared', 'datasets');
for (const file of [
  'ai4i2020/ai4i2020.csv',
  'diag-bench/docs/b-matrix.ja.md',
  'lumberchunker-emma/Emma_-_Jane_Austen_Paragraph.xlsx',
]) {
  const path = join(shared, file);
  if (existsSync(path)) await measure(file.split('/').pop()!, new Uint8Array(readFileSync(path)));
}
