import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type {
  Block,
  Document,
  SourceInfo,
  StepBlock,
  TableBlock,
} from '../../src/refinery/document/index.js';
import type { Matrix } from '../../src/refinery/parse/pdf/geometry.js';
import { graphicsOf, type OperatorList } from '../../src/refinery/parse/pdf/graphics.js';
import {
  cjkGap,
  createPdfParser,
  type FigureOcr,
  type PageOcr,
  type PageRegion,
  systemFigureOcr,
  systemOcr,
} from '../../src/refinery/parse/pdf/index.js';
import { openPdf } from '../../src/refinery/parse/pdf/load.js';
import { ocrLine, ocrWord } from '../support/ocr-words.js';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../fixtures/pdf/${name}`, import.meta.url)));
const source = (uri: string, bytes: Uint8Array): SourceInfo => ({
  uri,
  format: 'pdf',
  sha256: '',
  bytes: bytes.length,
});
const withoutOcr = createPdfParser({ ocr: null });

async function parse(name: string, parser = withoutOcr): Promise<Document> {
  const bytes = fixture(name);
  return parser(bytes, source(name, bytes));
}

const texts = (blocks: readonly Block[], kind: Block['kind']) =>
  blocks.filter((b) => b.kind === kind).map((b) => b.text);

describe('a Japanese procedure PDF', () => {
  it('reads document number, revision, date and classification from the running header and footer', async () => {
    const doc = await parse('procedure.pdf');
    expect(doc.metadata).toMatchObject({
      pages: 3,
      title: 'ポンプ点検手順書',
      documentNumber: 'MN-2024-017',
      revision: '3',
      date: '2024-04-01',
      classification: '社外秘',
    });
  });

  it('removes running headers, footers and page numbers from the text', async () => {
    const doc = await parse('procedure.pdf');
    const all = doc.blocks.map((b) => b.text).join('\n');
    expect(all).not.toMatch(/文書番号|社外秘|改訂|- [0-9] -/);
  });

  it('finds headings from numbering, size and the tag tree and builds heading paths', async () => {
    const doc = await parse('procedure.pdf');
    const headings = doc.blocks.filter((b) => b.kind === 'heading');
    expect(headings.map((h) => [h.text, h.level])).toEqual([
      ['ポンプ点検手順書', 1],
      ['目次', 2],
      // The 14 pt chapters sit under the 20 pt title; the body-sized (tagged H2) section under its chapter.
      ['第1章概要', 2],
      ['第2章作業手順', 2],
      ['第3章記録', 2],
      ['第4章保管', 2],
      ['保管場所について', 3],
    ]);
    const last = doc.blocks[doc.blocks.length - 1]!;
    expect(last.text).toBe('保管場所は施錠できる倉庫とする。');
    expect(last.headingPath).toEqual(['ポンプ点検手順書', '第4章保管', '保管場所について']);
  });

  it('joins letter-spaced titles and mid-sentence line wraps without spaces, and keeps Latin spaces', async () => {
    const doc = await parse('procedure.pdf');
    expect(texts(doc.blocks, 'paragraph')).toContain(
      '本手順書は、冷却水ポンプの定期点検の方法を定める。点検は運転を停止し、電源を遮断した状態で行うこと。作業者は保護具を着用する。',
    );
    expect(texts(doc.blocks, 'paragraph')).toContain('Use a torque wrench rated for M12 bolts.');
    for (const b of doc.blocks) expect(b.text).not.toMatch(cjkGap);
  });

  it('turns ①②③ and ⑴⑵ into steps with number, marker and their procedure heading', async () => {
    const doc = await parse('procedure.pdf');
    const steps = doc.blocks.filter((b): b is StepBlock => b.kind === 'step');
    const procedure = doc.blocks.find((b) => b.text === '第2章作業手順')!.id;
    expect(steps.map((s) => [s.marker, s.number])).toEqual([
      ['①', 1],
      ['②', 2],
      ['③', 3],
      ['⑴', 1],
      ['⑵', 2],
    ]);
    expect(steps.slice(0, 3).every((s) => s.procedure === procedure)).toBe(true);
    expect(steps[2]!.text).toBe(
      '③ ケーシングの圧力計が０ＭＰａであることを確認し、ドレンプラグを外して残液を抜く。',
    );
  });

  it('turns 注意 and 警告 callouts into caution blocks', async () => {
    const doc = await parse('procedure.pdf');
    const cautions = doc.blocks.filter((b) => b.kind === 'caution');
    expect(cautions.map((c) => [c.label, c.level])).toEqual([
      ['注意', 'caution'],
      ['警告', 'warning'],
    ]);
    expect(cautions[0]!.text).toContain('手袋を着用して作業すること。');
  });

  it('records page and a top-left bbox in points on every block', async () => {
    const doc = await parse('procedure.pdf');
    for (const b of doc.blocks) {
      const [x0, top, x1, bottom] = b.location.bbox!;
      expect(b.location.page).toBeGreaterThanOrEqual(1);
      expect(x0 < x1 && top < bottom && bottom <= 842 && x1 <= 595).toBe(true);
    }
    const title = doc.blocks[0]!.location.bbox!;
    expect(title[1]).toBeGreaterThan(70);
    expect(title[1]).toBeLessThan(100); // baseline at 100 pt from the top, 20 pt type
    expect(doc.blocks.find((b) => b.text === '第3章記録')!.location.page).toBe(2);
  });
});

describe('a two-column page', () => {
  it('reads the full-width heading first, then the left column, then the right column', async () => {
    const doc = await parse('two-column.pdf');
    expect(doc.blocks.map((b) => b.kind)).toEqual(['heading', 'paragraph', 'paragraph']);
    expect(doc.blocks[0]!.text).toBe('保全作業の基本（全幅見出し）');
    expect(doc.blocks[1]!.text).toMatch(/^左段の本文です。.*部品の摩耗を測定する。$/);
    expect(doc.blocks[2]!.text).toMatch(/^右段の本文です。.*以上を守って安全に作業する。$/);
    expect(doc.blocks[1]!.location.bbox![2]).toBeLessThan(doc.blocks[2]!.location.bbox![0]);
  });
});

describe('a page of vertical writing (縦書き)', () => {
  it('reads the columns right to left, joins a paragraph across columns and splits at 字下げ', async () => {
    const doc = await parse('vertical.pdf');
    expect(doc.blocks.map((b) => b.kind)).toEqual([
      'heading',
      'paragraph',
      'paragraph',
      'step',
      'step',
      'caution',
      'paragraph',
    ]);
    expect(doc.blocks[1]!.text).toBe(
      '本要領は、冷却水ポンプの月次点検の手順を定める。点検は保全課の担当者が行い、結果を点検記録に残す。',
    );
    expect(doc.blocks[3]).toMatchObject({
      kind: 'step',
      number: 1,
      marker: '①',
      text: '① 電源を切り、表示札を掛ける。',
    });
    // the vertical forms ︒ and ︑ are written as 。 and 、
    for (const b of doc.blocks) expect(b.text).not.toMatch(/[\uFE10-\uFE19]/);
  });

  it('locates each block on the page: columns right to left, running down from the top', async () => {
    const doc = await parse('vertical.pdf');
    const boxes = doc.blocks.map((b) => b.location.bbox!);
    // the title column at x 532–548 (centred on 540, 16 pt), 80 pt from the top, seven characters long
    expect(boxes[0]).toEqual([532, 80, 548, 192]);
    // the first paragraph takes two columns of 12 pt, 8 pt apart: 30 characters down the first
    expect(boxes[1]).toEqual([490, 80, 522, 440]);
    for (let i = 2; i < 6; i++) expect(boxes[i]![2]).toBeLessThan(boxes[i - 1]![0]);
    // the horizontal date under the columns keeps its own box
    expect(boxes[6]![0]).toBe(60);
  });
});

describe('paragraphs indented with a typed full-width space (字下げ)', () => {
  it('start a new paragraph after a finished sentence, though every line is full width', async () => {
    const doc = await parse('indented.pdf');
    expect(doc.blocks.map((b) => b.kind)).toEqual(['heading', 'paragraph', 'paragraph']);
    expect(doc.blocks[1]!.text).toMatch(/^設備の保全は、.*その指示を受けること。$/);
    expect(doc.blocks[2]!.text).toMatch(/^定期点検では、.*保全課長の確認を受ける。$/);
  });
});

describe('ruby (furigana) in a PDF', () => {
  it('leaves the readings out of the text, across and down the page, and keeps small labels', async () => {
    const doc = await parse('furigana.pdf');
    const texts = doc.blocks.map((b) => b.text);
    for (const reading of ['さぎょう', 'きけん', 'てんけん']) {
      expect(texts.some((t) => t.includes(reading))).toBe(false);
    }
    expect(texts).toContain('作業を始める前に、必ず保護具を着用すること。');
    expect(texts).toContain('危険な場所には立ち入らないこと。機械の点検は電源を切ってから行うこと。');
    expect(texts).toContain('ポンプ');
    expect(texts).toContain('毎日の点検を忘れないこと。');
  });
});

describe('symbol fonts', () => {
  it("reads Wingdings bullets and Symbol's ± and μ, and makes list items of the bulleted lines", async () => {
    const doc = await parse('symbol-fonts.pdf');
    expect(doc.blocks.map((b) => [b.kind, b.text])).toEqual([
      ['heading', '軸受の点検'],
      ['paragraph', '点検の前に次を確かめる。'],
      ['list-item', '■ 電源が切れていること'],
      ['list-item', '■ 軸が止まっていること'],
      ['paragraph', '軸受すきまは0.05 mm±0.01 mm、表面粗さは0.8μm以下とする。'],
    ]);
  });
});

describe('a filled-in PDF form', () => {
  it("reads the values typed into its fields beside their labels and in their table cells, not the hidden one's", async () => {
    const doc = await parse('form.pdf');
    const texts = doc.blocks.map((b) => b.text);
    expect(texts).toContain('点検日：2026年12月1日');
    expect(texts).toContain('点検者：山田太郎');
    expect(texts).toContain('所見：軸受から異音がある。来週、軸受を交換する。');
    expect(texts).toContain('要再点検（保全課）');
    expect(texts.join('\n')).not.toContain('社内処理番号');
    const table = doc.blocks.find((b): b is TableBlock => b.kind === 'table')!;
    expect(table.rows.map((r) => r.map((c) => c.text))).toEqual([
      ['項目', '基準', '測定値', '良'],
      ['振動', '4.5 mm/s以下', '2.1 mm/s', '☑'],
      ['温度', '60℃以下', '48℃', '☑'],
      ['異音', 'なし', 'あり', '☐'],
    ]);
    // the date typed into the form is the document's date
    expect(doc.metadata.date).toBe('2026-12-01');
  });
});

describe('ruby (furigana) on a scanned page', () => {
  it('is painted out before OCR, so the words under it are read whole and the label over P-101 stays', async () => {
    const ocr = await systemOcr();
    expect(ocr, 'install poppler-utils, tesseract-ocr and tesseract-ocr-jpn').toBeDefined();
    const doc = await parse('scanned-furigana.pdf', createPdfParser({ ocr: ocr! }));
    expect(doc.metadata.ocrPages).toEqual([1, 2]);
    // Read with the readings, tesseract gave 「さぎょう」 as a paragraph, 「米険な場所」 and a column 「てんけんいo」.
    expect(doc.blocks.map((b) => b.text)).toEqual([
      '安全作業の手引き',
      '作業を始める前に、必ず保護具を着用すること。',
      '危険な場所には立ち入らないこと。機械の点検は電源を切ってから行うこと。',
      'ポンプ',
      'P-101の吐出圧力を記録する。',
      '毎日の点検を忘れないこと。',
    ]);
  });
});

describe('tables on pages of vertical writing', () => {
  it('reads a table set horizontally as it stands, with its caption, after the columns above it', async () => {
    const doc = await parse('vertical-tables.pdf');
    const page1 = doc.blocks.filter((b) => b.location.page === 1);
    expect(page1.map((b) => b.kind)).toEqual(['heading', 'paragraph', 'paragraph', 'table', 'paragraph']);
    const table = page1[3] as TableBlock;
    expect(table.caption).toMatch(/^表1[ 　]点検項目と基準$/);
    expect(table.rows.map((r) => r.map((c) => c.text))).toEqual([
      ['項目', '基準', '頻度'],
      ['振動', '4.5 mm/s以下', '毎月'],
      ['温度', '60℃以下', '毎月'],
      ['異音', 'なし', '毎日'],
    ]);
    expect(table.headerRows).toBe(1);
    // its box is where it is drawn: x 60–520, y 380–480
    expect(table.location.bbox).toEqual([60, 380, 520, 480]);
    // the paragraph that wraps across two columns is not cut by the table below them
    expect(page1[1]!.text).toMatch(/^月次点検では、.*保全課に連絡する。$/);
    expect(page1[4]!.text).toBe('2024年4月改訂');
  });

  it('joins a number set across a column (縦中横) to its column', async () => {
    const doc = await parse('vertical-tables.pdf');
    const page2 = doc.blocks.filter((b) => b.location.page === 2);
    expect(page2.map((b) => b.kind)).toEqual(['paragraph', 'paragraph', 'table']);
    expect(page2[1]!.text).toBe('点検は24時間ごとに行う。');
    // the column's 字下げ, a typed 「　」, is a blank em above its first letter: the box starts at y 92, not 80
    expect(page2[1]!.location.bbox).toEqual([494, 92, 506, 236]);
  });

  it('turns a vertical table with the page: its rows run down the page, right to left', async () => {
    const doc = await parse('vertical-tables.pdf');
    const table = doc.blocks.find((b): b is TableBlock => b.kind === 'table' && b.location.page === 2)!;
    expect(table.rows.map((r) => r.map((c) => c.text))).toEqual([
      ['異常', '処置'],
      ['振動大', '軸受を交換'],
      ['温度高', '冷却を確認'],
      ['異音', '運転を停止'],
    ]);
    expect(table.location.bbox).toEqual([260, 100, 420, 300]);
  });
});

describe('a ruled table with merged header cells', () => {
  it('keeps row and column spans on the anchor cells and guesses two header rows', async () => {
    const doc = await parse('table.pdf');
    const table = doc.blocks.find((b): b is TableBlock => b.kind === 'table')!;
    expect(table.rows[0]).toEqual([
      { text: '項目', rowSpan: 2, header: true },
      { text: '仕様', colSpan: 2, header: true },
      { text: '備考', rowSpan: 2, header: true },
    ]);
    expect(table.rows[1]).toEqual([
      { text: '最小', header: true },
      { text: '最大', header: true },
    ]);
    expect(table.rows[2]!.map((c) => c.text)).toEqual(['吐出温度', '10℃', '40℃', '常温で運転']);
    expect(table.rows[3]!.map((c) => c.text)).toEqual(['吐出圧力', '0.1 MPa', '0.5 MPa', 'なし']);
    expect(table.headerRows).toBe(2);
    expect(table.caption).toMatch(/^表1\s?運転条件$/);
    expect(table.location).toEqual({ page: 1, bbox: [60, 120, 520, 220] });
  });

  it('leaves the text around the table as paragraphs and does not repeat the caption', async () => {
    const doc = await parse('table.pdf');
    expect(texts(doc.blocks, 'paragraph')).toEqual(['運転条件を外れた場合は直ちに停止する。']);
  });
});

describe('a scanned page without a text layer', () => {
  it('is listed in metadata.needsOcr and flagged by a block when OCR is off', async () => {
    const doc = await parse('scanned.pdf');
    expect(doc.metadata.needsOcr).toEqual([1]);
    expect(doc.blocks).toHaveLength(1);
    expect(doc.blocks[0]).toMatchObject({ kind: 'figure', location: { page: 1 } });
    expect(doc.blocks[0]!.text).toMatch(/OCR/);
  });

  it('is told from a blank page by its image, though pages are first read without decoding large images', async () => {
    const imageCover = async (maxImagePixels?: number) => {
      const doc = await openPdf(fixture('scanned.pdf'), 'scanned.pdf', { maxImagePixels });
      try {
        const page = await doc.getPage(1);
        const { width, height, transform } = page.getViewport({ scale: 1 });
        const ops = (await page.getOperatorList()) as OperatorList;
        return graphicsOf(ops, transform as unknown as Matrix, width * height).imageCover;
      } finally {
        await doc.destroy();
      }
    };
    // the parser's first read leaves the scan out; only the second look at this text-less page sees it
    expect(await imageCover(4096)).toBe(0);
    expect(await imageCover()).toBeGreaterThan(0.5);
    expect((await parse('scanned.pdf')).metadata.needsOcr).toEqual([1]);
  });

  it('is read through the injected OCR dependency, its lines placed like text', async () => {
    const asked: number[][] = [];
    const ocr: PageOcr = async (_pdf, pages) => {
      asked.push([...pages]);
      return new Map([
        [
          1,
          {
            lines: [
              { text: '点検 記録', confidence: 90, x0: 30, top: 40, x1: 120, bottom: 62 },
              { text: '異常なし', confidence: 90, x0: 30, top: 135, x1: 92, bottom: 156 },
            ],
          },
        ],
      ]);
    };
    const doc = await parse('scanned.pdf', createPdfParser({ ocr }));
    expect(asked).toEqual([[1]]);
    expect(doc.metadata.needsOcr).toBeUndefined();
    expect(doc.metadata.ocrPages).toEqual([1]);
    expect(doc.blocks.map((b) => b.text)).toEqual(['点検記録', '異常なし']);
    expect(doc.blocks[0]!.location).toEqual({ page: 1, bbox: [30, 40, 120, 62] });
  });

  it('stays flagged, with the reason, when OCR fails', async () => {
    const broken: PageOcr = async () => {
      throw new Error('tesseract: Failed loading language jpn');
    };
    const doc = await parse('scanned.pdf', createPdfParser({ ocr: broken }));
    expect(doc.metadata.needsOcr).toEqual([1]);
    expect(doc.metadata.ocrError).toBe('tesseract: Failed loading language jpn');
    expect(doc.blocks[0]).toMatchObject({ kind: 'figure', location: { page: 1 } });
  });

  it('is read by pdftoppm + tesseract (jpn) when they are installed', async () => {
    const ocr = await systemOcr();
    expect(ocr, 'install poppler-utils, tesseract-ocr and tesseract-ocr-jpn').toBeDefined();
    const started = performance.now();
    const doc = await parse('scanned.pdf', createPdfParser({ ocr: ocr! }));
    const seconds = (performance.now() - started) / 1000;
    console.info(`OCR: ${seconds.toFixed(2)} s/page (scanned.pdf, 1 page, 300 dpi, jpn)`);
    const text = doc.blocks.map((b) => b.text).join('');
    expect(doc.metadata.ocrPages).toEqual([1]);
    expect(text).toMatch(/点検/);
    expect(text).toMatch(/振動/);
    for (const b of doc.blocks) expect(b.text).not.toMatch(cjkGap);
  });

  it('is read again with the English model when the Japanese one reads Latin letters', async () => {
    const ocr = await systemOcr();
    expect(ocr, 'install poppler-utils, tesseract-ocr and tesseract-ocr-jpn').toBeDefined();
    const doc = await parse('scanned-en.pdf', createPdfParser({ ocr: ocr! }));
    const text = doc.blocks.map((b) => b.text).join('\n');
    expect(doc.metadata.ocrPages).toEqual([1]);
    // the Japanese model alone reads 「1nspect1on」, 「v1brat1on」, 「fom QF-203」
    expect(text).toMatch(/Inspection Record for Pump CP-450/);
    expect(text).toMatch(/Check the vibration of the pump bearings/);
    expect(text).toMatch(/form QF-203/);
  });

  it('gives a scanned ruled table its cells, the rulings found in the pixels', async () => {
    const ocr = await systemOcr();
    expect(ocr, 'install poppler-utils, tesseract-ocr and tesseract-ocr-jpn').toBeDefined();
    const doc = await parse('scanned-table.pdf', createPdfParser({ ocr: ocr! }));
    const tables = doc.blocks.filter((b) => b.kind === 'table');
    expect(tables).toHaveLength(1);
    // tesseract reads 「25 N.m」 as one word
    const cells = (t: (typeof tables)[number]) =>
      t.kind === 'table' ? t.rows.map((r) => r.map((c) => c.text.replace(/\s/g, ''))) : [];
    expect(cells(tables[0]!)).toEqual([
      ['Bolt', 'Torque', 'Passes'],
      ['M8', '25N.m', '2'],
      ['M12', '85N.m', '3'],
    ]);
    expect(tables[0]).toMatchObject({ caption: 'Table 1 Torque values' });
    const rest = doc.blocks.filter((b) => b.kind !== 'table').map((b) => b.text);
    expect(rest).toEqual(['Record the values on form QF-203.']);
  });
});

describe('a scanned page of vertical writing', () => {
  it('is read again with the vertical model, its columns laid out right to left', async () => {
    const ocr = await systemOcr();
    expect(ocr, 'install poppler-utils, tesseract-ocr and tesseract-ocr-jpn').toBeDefined();
    const langs = execFileSync('tesseract', ['--list-langs'], { encoding: 'utf8' });
    expect(langs, 'install tesseract-ocr-jpn-vert').toMatch(/^jpn_vert$/m);
    const doc = await parse('scanned-vertical.pdf', createPdfParser({ ocr: ocr! }));
    expect(doc.metadata.ocrPages).toEqual([1]);
    expect(doc.blocks.slice(0, 5).map((b) => b.kind)).toEqual([
      'heading',
      'paragraph',
      'paragraph',
      'step',
      'step',
    ]);
    // The gap after 注意 is read as the word space it is, so the caution is its own block, not step 2's tail.
    expect(doc.blocks[4]!.text).toBe('②吐出弁と吸込弁を閉じる。');
    expect(doc.blocks[5]).toMatchObject({ kind: 'caution', level: 'caution', label: '注意' });
    expect(doc.blocks[0]!.text).toBe('ポンプ点検要領');
    expect(doc.blocks[1]!.text).toMatch(/^本要領は、冷却水ポンプの月次点検の手順を定める。/);
    // boxes on the page: the title column at the right edge, the next paragraph's column left of it
    const [title, first] = [doc.blocks[0]!.location.bbox!, doc.blocks[1]!.location.bbox!];
    expect(title[0]).toBeGreaterThan(520);
    expect(first[2]).toBeLessThan(title[0]);
    expect(title[3] - title[1]).toBeGreaterThan(5 * (title[2] - title[0]));
  });
});

describe('an image on a page that has a text layer', () => {
  const fake = (asked: PageRegion[][]): FigureOcr => ({
    imagePages: async () => new Set([1]),
    read: async (_pdf, regions) => {
      asked.push([...regions]);
      return regions.map((r) => [
        ocrLine(
          ocrWord('Discharge', r.box.x0 + 10, r.box.top + 20),
          ocrWord('0.35', r.box.x0 + 120, r.box.top + 20),
        ),
        // noise off the figure's shading
        ocrLine(ocrWord('ニニニニ', r.box.x0 + 10, r.box.top + 60)),
        ocrLine(ocrWord('昌Y', r.box.x0 + 10, r.box.top + 90, 30)),
      ]);
    },
  });

  it('has the text inside the image read, as a figure placed where the image is', async () => {
    const asked: PageRegion[][] = [];
    const doc = await parse('figure-image.pdf', createPdfParser({ ocr: null, figureOcr: fake(asked) }));
    expect(asked).toHaveLength(1);
    expect(asked[0]).toHaveLength(1);
    const box = asked[0]![0]!.box;
    // the image is drawn at x 60, y 180, 475 pt wide (generate.ts)
    expect([box.x0, box.top, box.x1]).toEqual([60, 180, 535].map((v) => expect.closeTo(v, 0)));
    const figure = doc.blocks.find((b) => b.kind === 'figure');
    expect(figure?.text).toBe('Discharge 0.35');
    expect(figure?.location.page).toBe(1);
    expect(doc.blocks.map((b) => b.kind)).toEqual(['heading', 'paragraph', 'figure']);
    expect(doc.metadata.figureTextPages).toEqual([1]);
  });

  it('reads at most the configured number of images and lists the pages left unread', async () => {
    const asked: PageRegion[][] = [];
    const doc = await parse(
      'figure-image.pdf',
      createPdfParser({ ocr: null, figureOcr: fake(asked), maxFigureRegions: 0 }),
    );
    expect(asked).toEqual([]);
    expect(doc.metadata.figuresNotRead).toEqual([1]);
    expect(doc.blocks.some((b) => b.kind === 'figure')).toBe(false);
  });

  it('keeps the page as it was, with the reason, when figure OCR fails', async () => {
    const broken: FigureOcr = {
      imagePages: async () => {
        throw new Error('pdfimages: Syntax Error');
      },
      read: async () => [],
    };
    const doc = await parse('figure-image.pdf', createPdfParser({ ocr: null, figureOcr: broken }));
    expect(doc.metadata.figureOcrError).toBe('pdfimages: Syntax Error');
    expect(doc.blocks.map((b) => b.kind)).toEqual(['heading', 'paragraph']);
  });

  it('is off with OCR off, and in the text-layer parser', async () => {
    const doc = await parse('figure-image.pdf');
    expect(doc.metadata.figureTextPages).toBeUndefined();
    expect(doc.blocks.map((b) => b.kind)).toEqual(['heading', 'paragraph']);
  });

  it('is read by pdfimages + pdftoppm + tesseract when they are installed', async () => {
    const figureOcr = await systemFigureOcr();
    expect(figureOcr, 'install poppler-utils, tesseract-ocr and tesseract-ocr-jpn').toBeDefined();
    const doc = await parse('figure-image.pdf', createPdfParser({ ocr: null, figureOcr: figureOcr! }));
    const figure = doc.blocks.find((b) => b.kind === 'figure');
    expect(figure?.text).toMatch(/Discharge pressure 0\.35 MPa/);
    expect(figure?.text).toMatch(/Vibration 2\.8 mm\/s/);
    // the figure's own words only: the page's Japanese text layer is not read twice
    expect(doc.blocks.filter((b) => b.text.includes('点検結果'))).toHaveLength(1);
  });
});

describe('unreadable input', () => {
  it.each([
    ['empty.pdf', 'parse.empty'],
    ['corrupt.pdf', 'parse.corrupt'],
    ['encrypted.pdf', 'parse.encrypted'],
  ])('%s fails with %s and one readable line', async (name, code) => {
    const failure = parse(name);
    await expect(failure).rejects.toMatchObject({ code, kind: 'invalid' });
    const message = await failure.catch((e: Error) => e.message);
    expect(message).toContain(name);
    expect(message).not.toContain('\n');
  });
});
