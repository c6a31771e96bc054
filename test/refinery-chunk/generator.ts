import type { Block, Document, TableCell } from '../../src/refinery/document/index.js';
import type { BlockInput } from './fixtures.js';

/** mulberry32: tiny, seedable, good enough to make reproducible random documents. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const JA_WORDS = [
  'ポンプ',
  '吐出圧力',
  '軸受',
  '潤滑油',
  '点検',
  '交換',
  '締付トルク',
  'メカニカルシール',
  '振動値',
  '温度',
  '作業者',
  '設備',
  '配管',
  '弁',
  '電動機',
  '制御盤',
  '異常',
  '記録',
  '基準値',
  '保全計画',
  '𠮷野工場',
];
const JA_JOINS = ['を', 'は', 'の', 'が', 'に', 'と', 'で'];
const JA_ENDS = [
  '確認する。',
  '記録すること。',
  '交換する。',
  '行うこと！',
  '問題はないか？',
  '停止する。」と記す。',
];
const EN_WORDS = [
  'pump',
  'bearing',
  'pressure',
  'seal',
  'valve',
  'motor',
  'torque',
  'inspect',
  'record',
  'value',
];

export interface GeneratedDocument {
  readonly doc: Document;
  /** Block ids of each procedure (heading, cautions, steps), to check that a fitting one stays whole. */
  readonly procedures: readonly (readonly string[])[];
}

/** A random but valid Japanese/English manual; every block's span maps 1:1 onto its text. */
export function generateDocument(seed: number): GeneratedDocument {
  const rand = prng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)]!;
  const jaSentence = (): string => {
    // Now and then one sentence without any punctuation, far longer than small budgets: the last resort.
    const long = rand() < 0.03;
    const parts = Array.from(
      { length: long ? int(60, 120) : int(1, 6) },
      () => pick(JA_WORDS) + pick(JA_JOINS),
    );
    const clause = rand() < 0.4 && !long ? '、' : '';
    return parts.join(clause) + pick(JA_ENDS);
  };
  const enSentence = (): string => {
    const words = Array.from({ length: int(3, 14) }, () => pick(EN_WORDS)).join(' ');
    return `${words[0]!.toUpperCase()}${words.slice(1)} (3.5 mm).`;
  };
  const paragraph = (): string => {
    const ja = rand() < 0.8;
    const count = int(1, rand() < 0.2 ? 40 : 6);
    return Array.from({ length: count }, ja ? jaSentence : enSentence).join(ja ? '' : ' ');
  };

  const blocks: Block[] = [];
  const procedures: string[][] = [];
  let offset = 0;
  const add = (block: BlockInput): string => {
    const id = `b${blocks.length}`;
    const text = block.text;
    blocks.push({
      ...block,
      id,
      location: { span: [offset, offset + text.length], page: 1 + Math.floor(offset / 2000) },
    } as Block);
    offset += text.length + 1;
    return id;
  };

  const title = rand() < 0.5 ? '設備保全マニュアル' : 'Maintenance manual';
  const sectionCount = int(1, 5);
  for (let s = 1; s <= sectionCount; s++) {
    const chapter = `第${s}章 ${pick(JA_WORDS)}`;
    add({ kind: 'heading', level: 1, text: chapter, headingPath: [] });
    const path = [chapter];
    for (let k = int(1, 6); k > 0; k--) {
      const roll = rand();
      if (roll < 0.45) add({ kind: 'paragraph', text: paragraph(), headingPath: path });
      else if (roll < 0.65) procedures.push(procedure(path));
      else if (roll < 0.85) table(path);
      else
        add({
          kind: 'list-item',
          depth: 0,
          ordered: false,
          text: `・${jaSentence()}`,
          headingPath: path,
        });
    }
  }

  function procedure(path: readonly string[]): string[] {
    // Half the procedures have their own heading; the others run on inside the chapter after its prose.
    const titled = rand() < 0.5;
    const title = `${pick(JA_WORDS)}の交換手順`;
    const ids: string[] = [];
    let inner = path;
    let heading: string | undefined;
    if (titled) {
      heading = add({ kind: 'heading', level: 2, text: title, headingPath: path });
      ids.push(heading);
      inner = [...path, title];
      if (rand() < 0.3) ids.push(add({ kind: 'paragraph', text: '次の手順で行う：', headingPath: inner }));
    }
    if (rand() < 0.5) {
      const warning = `警告 ${jaSentence()}`;
      ids.push(add({ kind: 'caution', level: 'warning', label: '警告', text: warning, headingPath: inner }));
    }
    const markers = ['①', '②', '③', '④', '⑤', '⑥', '⑦', '⑧', '⑨', '⑩', '⑪', '⑫'];
    const count = int(2, 12);
    for (let n = 1; n <= count; n++) {
      const text = `${markers[n - 1]}${Array.from({ length: int(1, 3) }, jaSentence).join('')}`;
      const step = { kind: 'step' as const, number: n, marker: markers[n - 1]!, text, headingPath: inner };
      ids.push(add({ ...step, ...(heading ? { procedure: heading } : {}) }));
      // A note between two steps belongs to the procedure; one after the last step does not.
      if (n < count && rand() < 0.1)
        ids.push(add({ kind: 'paragraph', text: `※${jaSentence()}`, headingPath: inner }));
      if (rand() < 0.2) {
        const caution = `注意 ${jaSentence()}`;
        ids.push(
          add({ kind: 'caution', level: 'caution', label: '注意', text: caution, headingPath: inner }),
        );
      }
    }
    // A paragraph after the procedure ends its run of steps and cautions.
    add({ kind: 'paragraph', text: `以上で${title}を終える。`, headingPath: inner });
    return ids;
  }

  function table(path: readonly string[]): void {
    const width = int(2, 4);
    const headerRows = int(0, 2);
    const rows: TableCell[][] = [];
    const count = int(1, 40);
    for (let r = 0; r < headerRows + count; r++) {
      const header = r < headerRows;
      const row: TableCell[] = [];
      for (let c = 0; c < width; c++) {
        // An occasional row span in the first column, as in merged category cells.
        if (c === 0 && r > headerRows && rows[r - 1]?.[0]?.rowSpan === 2) continue;
        const span = !header && c === 0 && r + 1 < headerRows + count && rand() < 0.2 ? { rowSpan: 2 } : {};
        row.push({ text: header ? `項目${c + 1}` : `${pick(JA_WORDS)}${int(1, 99)}`, header, ...span });
      }
      rows.push(row);
    }
    const caption = rand() < 0.5 ? `表${blocks.length} ${pick(JA_WORDS)}一覧` : undefined;
    const text = rows.map((row) => row.map((c) => c.text).join(' ')).join('\n');
    add({
      kind: 'table',
      text,
      rows,
      headerRows,
      headerColumns: 0,
      headingPath: path,
      ...(caption ? { caption } : {}),
    });
  }

  return {
    doc: {
      source: {
        uri: `generated/${seed}.md`,
        format: 'markdown',
        sha256: seed.toString(16).padStart(64, '0'),
        bytes: offset,
      },
      metadata: { title, language: 'ja' },
      blocks,
    },
    procedures,
  };
}
