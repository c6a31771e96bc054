import { describe, expect, it } from 'vitest';
import { isPageNumber, printedFacts, runningText } from './running-text.js';

describe('isPageNumber', () => {
  it.each(['3', '- 3 -', '─ 12 ─', '３', '3 / 12', 'p. 3', '3ページ', 'iv', '(3)'])(
    '%s is a page number',
    (t) => {
      expect(isPageNumber(t)).toBe(true);
    },
  );
  it.each(['第3章', '2024年', '注意'])('%s is not', (t) => {
    expect(isPageNumber(t)).toBe(false);
  });
});

describe('printedFacts', () => {
  it('reads document number, revision, date and classification from header and footer lines', () => {
    expect(printedFacts(['文書番号：ＭＮ－２０２４－０１７', '改訂 3　2024年4月1日', '社外秘'])).toEqual({
      documentNumber: 'MN-2024-017',
      revision: '3',
      date: '2024-04-01',
      classification: '社外秘',
    });
  });

  it('converts Japanese era dates and edition numbers', () => {
    expect(printedFacts(['令和５年３月３１日　第２版'])).toEqual({ date: '2023-03-31', revision: '2' });
    expect(printedFacts(['平成元年4月'])).toEqual({ date: '1989-04' });
  });

  it('takes CONFIDENTIAL but not 秘 inside an ordinary word', () => {
    expect(printedFacts(['CONFIDENTIAL'])).toEqual({ classification: 'CONFIDENTIAL' });
    expect(printedFacts(['秘密保持契約に基づく'])).toEqual({});
  });
});

describe('runningText', () => {
  const page = (n: number, body: string) => ({
    height: 842,
    lines: [
      { text: '保守マニュアル MN-7', x0: 60, x1: 200, top: 30, bottom: 40 },
      { text: body, x0: 60, x1: 500, top: 400, bottom: 410 },
      { text: `- ${n} -`, x0: 280, x1: 310, top: 800, bottom: 810 },
    ],
  });

  it('drops text repeated at the same place on most pages and page numbers, and keeps the body', () => {
    const { keep, running } = runningText([page(1, '本文一'), page(2, '本文二'), page(3, '本文三')]);
    expect(keep.map((lines) => lines.map((l) => l.text))).toEqual([['本文一'], ['本文二'], ['本文三']]);
    expect(running).toEqual(['保守マニュアル MN-7']);
  });

  it('keeps a header that appears on only one page of several', () => {
    const pages = [
      page(1, 'a'),
      { height: 842, lines: [{ text: '本文', x0: 60, x1: 500, top: 400, bottom: 410 }] },
      { height: 842, lines: [] },
    ];
    expect(runningText(pages).keep[0]!.map((l) => l.text)).toContain('保守マニュアル MN-7');
  });
});
