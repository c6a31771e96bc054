/**
 * Running headers and footers: text repeated at the same place on most pages, and page numbers. They are
 * dropped from the flow (they would repeat in every chunk) but mined for document number, revision,
 * date and classification, which manuals usually print there.
 */
import type { Box } from './geometry.js';

export interface MarginLine extends Box {
  readonly text: string;
}

export interface PageLines<L extends MarginLine> {
  readonly height: number;
  readonly lines: readonly L[];
}

const marginShare = 0.12;

/** Page-number-only lines: "3", "- 3 -", "3 / 12", "p. 3", "3ページ", "ⅲ". */
export function isPageNumber(text: string): boolean {
  const t = text.normalize('NFKC').replace(/\s+/g, '');
  return /^(?:[-–—─━‐－]?\d{1,4}[-–—─━‐－]?|\d{1,4}\/\d{1,4}|p\.?\d{1,4}|page\d{1,4}|\d{1,4}ページ|[ivxlc]{1,6}|[A-Z]-?\d{1,3}|\(\d{1,4}\))$/i.test(
    t,
  );
}

function inMargin(line: MarginLine, height: number): 'top' | 'bottom' | undefined {
  if (line.bottom <= height * marginShare) return 'top';
  if (line.top >= height * (1 - marginShare)) return 'bottom';
  return undefined;
}

function keyOf(line: MarginLine, zone: string): string {
  // Digits vary (page numbers, dates on a per-page stamp); position is kept coarse.
  const text = line.text.normalize('NFKC').replace(/\s+/g, '').replace(/\d+/g, '#');
  return `${zone}|${Math.round(line.top / 8)}|${text}`;
}

/** Which lines on each page are running text, and the distinct running texts. */
export function runningText<L extends MarginLine>(
  pages: readonly PageLines<L>[],
): { keep: L[][]; running: string[] } {
  const counts = new Map<string, number>();
  for (const page of pages) {
    const seen = new Set<string>();
    for (const line of page.lines) {
      const zone = inMargin(line, page.height);
      if (zone) seen.add(keyOf(line, zone));
    }
    for (const k of seen) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const threshold = Math.max(2, Math.ceil(pages.length * 0.5));
  const running = new Set<string>();
  const keep = pages.map((page) =>
    page.lines.filter((line) => {
      const zone = inMargin(line, page.height);
      if (zone === undefined) return true;
      const repeated = pages.length >= 2 && (counts.get(keyOf(line, zone)) ?? 0) >= threshold;
      if (repeated && !isPageNumber(line.text)) running.add(line.text);
      return !(repeated || isPageNumber(line.text));
    }),
  );
  return { keep, running: [...running] };
}

export interface PrintedFacts {
  documentNumber?: string;
  revision?: string;
  date?: string;
  classification?: string;
}

const documentNumber =
  /(?:文書番号|文書No\.?|管理番号|資料番号|規格番号|Doc(?:ument)?\.?\s*No\.?|Document\s+Number)\s*[:：]?\s*([A-Za-z0-9][A-Za-z0-9\-_/.]*[A-Za-z0-9])/i;
const revision =
  /(?:改訂|改定|版数|Rev(?:ision)?\.?)\s*(?:番号|No\.?)?\s*[:：]?\s*([0-9A-Za-z]+(?:\.[0-9A-Za-z]+)?)/i;
const edition = /第\s*([0-9]+)\s*版/;
const isoDate = /(\d{4})\s*[年/.-]\s*(\d{1,2})\s*[月/.-]\s*(\d{1,2})\s*日?/;
const eraDate = /(令和|平成|昭和)\s*(元|\d{1,2})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?/;
const classification =
  /(社外秘|部外秘|関係者外秘|極秘|社内限り?|取扱注意|confidential|internal use only|restricted|秘)/i;
const eraStart: Readonly<Record<string, number>> = { 令和: 2018, 平成: 1988, 昭和: 1925 };

/** Reads document number, revision, date and classification from header/footer (or cover) text. */
export function printedFacts(texts: readonly string[]): PrintedFacts {
  const facts: PrintedFacts = {};
  for (const raw of texts) {
    const t = raw.normalize('NFKC');
    facts.documentNumber ??= documentNumber.exec(t)?.[1];
    facts.revision ??= revision.exec(t)?.[1] ?? edition.exec(t)?.[1];
    facts.date ??= dateIn(t);
    const c = classification.exec(t)?.[1];
    // A lone 秘 only counts when it is the whole line (a stamp), not inside 秘密保持 or 黙秘.
    if (c !== undefined && (c !== '秘' || /^[【[(（]?秘[】\])）]?$/.test(t.trim())))
      facts.classification ??= c;
  }
  return Object.fromEntries(Object.entries(facts).filter(([, v]) => v !== undefined)) as PrintedFacts;
}

function dateIn(t: string): string | undefined {
  const iso = isoDate.exec(t);
  if (iso) return `${iso[1]}-${iso[2]!.padStart(2, '0')}-${iso[3]!.padStart(2, '0')}`;
  const era = eraDate.exec(t);
  if (!era) return undefined;
  const year = eraStart[era[1]!]! + (era[2] === '元' ? 1 : Number(era[2]));
  const day = era[4] ? `-${era[4].padStart(2, '0')}` : '';
  return `${year}-${era[3]!.padStart(2, '0')}${day}`;
}
