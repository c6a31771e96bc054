/**
 * Builds `samples/フォークリフト始業前点検.pdf` from code with the PDF fixture writer:
 * `npx vite-node test/refinery-pipeline/sample-pdf.ts`. The output is committed under samples/.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type PageSpec, type TextSpec, writePdf } from '../fixtures/pdf/pdf-writer.js';

const target = fileURLToPath(new URL('../../samples/フォークリフト始業前点検.pdf', import.meta.url));

const running = (page: number): TextSpec[] => [
  { x: 60, y: 40, size: 8, text: '文書番号: SF-2024-031' },
  { x: 400, y: 40, size: 8, text: '改訂 1　2024年6月1日' },
  { x: 285, y: 810, size: 8, text: `- ${page} -` },
];

const page1: PageSpec = {
  texts: [
    ...running(1),
    { x: 130, y: 100, size: 20, text: 'フォークリフト始業前点検要領', bold: true, tag: 'H1' },
    { x: 60, y: 160, size: 14, text: '第1章　目的', bold: true },
    { x: 60, y: 190, size: 10.5, text: '本要領は、構内で使用するフォークリフトの始業前点検の方法を定め、' },
    { x: 60, y: 207, size: 10.5, text: '荷役作業中の災害を防止することを目的とする。' },
    { x: 60, y: 250, size: 14, text: '第2章　点検手順', bold: true },
    { x: 60, y: 280, size: 10.5, text: '①　車両の周囲を一周し、油漏れ・タイヤの損傷がないことを確認する。' },
    {
      x: 60,
      y: 300,
      size: 10.5,
      text: '②　フォークとリフトチェーンに亀裂・変形・伸びがないことを確認する。',
    },
    { x: 60, y: 320, size: 10.5, text: '③　ブレーキペダルの踏みしろと駐車ブレーキの効きを確認する。' },
    { x: 60, y: 340, size: 10.5, text: '④　警報ブザー・前照灯・方向指示器が作動することを確認する。' },
    {
      x: 60,
      y: 380,
      size: 10.5,
      text: '注意　異常を発見した場合は使用を中止し、「使用禁止」の表示をして管理者に報告すること。',
      bold: true,
    },
  ],
};
const page2: PageSpec = {
  texts: [
    ...running(2),
    { x: 60, y: 100, size: 14, text: '第3章　記録', bold: true },
    { x: 60, y: 130, size: 10.5, text: '点検結果は始業前点検表に記入し、1年間保存する。' },
    { x: 60, y: 150, size: 10.5, text: '特定自主検査（年次）の実施日は車体の検査標章で確認する。' },
  ],
};

writeFileSync(target, writePdf([page1, page2], { title: 'フォークリフト始業前点検要領' }));
