/**
 * Headings, steps and cautions over a whole document of styled lines (PDF text layer or OCR), decided
 * together. One line cannot say whether "（１）想定される被害の考え方" is a section or a step, nor how deep
 * "１．" sits: size relative to the body, weight, numbering (第N章 > N. > N.N > （N） > N) > ①), the
 * document's own 目次, sibling sequences and the procedure context decide, and levels come from a stack
 * of open headings compared by those same signals — never from absolute points or a fixed marker table.
 */
import type { CautionLevel } from '../document/index.js';
import { classifyLine, isProcedureTitle, type LineClass } from './line.js';
import { numeralValue } from './numerals.js';

/** A line as a layout parser sees it: text, raw text (markers, spaces kept), font and box. */
export interface OutlineLine {
  /** Spacing repaired: what a title reads as. */
  readonly text: string;
  /** As extracted, spaces kept: "１ 総則" keeps the space that makes "１" a marker. */
  readonly raw: string;
  readonly size: number;
  readonly bold: boolean;
  readonly x0: number;
  readonly x1: number;
  readonly top: number;
  readonly bottom: number;
  /** Heading level from the PDF tag tree (H1 → 1), when the file is tagged. */
  readonly tagLevel?: number;
  /** The size was measured off a scan (OCR), good to about 15 %, not read from the file. */
  readonly measured?: boolean;
}

/** A line in reading order with its page and column. */
export interface OutlineItem {
  readonly page: number;
  readonly column: number;
  readonly line: OutlineLine;
}

export interface BodyStyle {
  /** The size most characters are set in. */
  readonly bodySize: number;
  readonly bodyBold: boolean;
}

/** What a line starts. Lines without a role carry on the block before them or start a paragraph. */
export type LineRole =
  | {
      readonly kind: 'heading';
      readonly level: number;
      /** Lines the title spans, this one included: the rest follow it directly. */
      readonly lines: number;
    }
  | { readonly kind: 'step'; readonly number: number; readonly marker: string }
  | { readonly kind: 'caution'; readonly level: CautionLevel; readonly label: string }
  /** A block of its own that is none of the above: a 目次 entry, a numbered line that is not an item. */
  | { readonly kind: 'text' };

/** How a heading looks: what decides whether it encloses another one. */
interface HeadingStyle {
  readonly size: number;
  readonly bold: boolean;
  /** Numbering depth: 第N章 1, N. 4, N.N 5, （N） 7, N) 8; undefined for an unnumbered title. */
  readonly rank?: number;
  readonly number?: number;
  readonly tag?: number;
  readonly measured?: boolean;
}

interface OpenHeading {
  readonly level: number;
  readonly style: HeadingStyle;
  /** 目次 closes at its last entry: nothing nests under it. */
  readonly leaf: boolean;
}

// A 目次 entry: leaders or a wide gap, then the page number ("……12", "....- 6 -").
const tocEntry = /(?:[.．…・‥·]{3,}|\s{2,})\s*[-－‐―]?\s*[0-9０-９]{1,4}\s*[-－‐―]?$/;
const tocTitle = /^(?:目次|もくじ|contents|tableofcontents)$/i;
/** A line that finishes a sentence (a title or an entry that runs on does not). */
const sentenceEnd = /[。．.!！?？]$/;
/** The names of a document's standard parts: a line that says only this is that part's title. */
const partTitle =
  /^(?:はじめに|まえがき|序文|序論|序章|おわりに|あとがき|むすび|結論|結語|まとめ|参考文献|引用文献|謝辞|付録|附録|用語集|索引|要旨|introduction|preface|conclusions?|references|bibliography|acknowledge?ments|appendix|glossary|index|abstract)$/i;
/** A line that starts with a bullet glyph (Word's Symbol · and Wingdings ❖ ❑ ➢ among them). */
export const bullet = /^[・●○■□◆◇•▪◦‣⚫⚪➢➤►▶▸✓✔·❖❑◻➔]/u;
// "１ 総則", "２　防腐剤…": a bare number and a space, the legal-text numbering. Weak on its own (a table
// row reads the same), so it counts only with a numbered sibling.
const spacedNumber = /^([0-9０-９]{1,2})[ \u3000]+(?=[^\s0-9０-９.．,，])/;
// A date and little else (「令和６年５月」, 「2024年3月31日現在」, 「2024-05-01」): 「2024年版ものづくり白書」 is a title.
const dateLine =
  /^(?:(?:(?:令和|平成|昭和)\s*(?:[0-9０-９]{1,2}|元)|[0-9０-９]{4})\s*年度?(?:\s*[0-9０-９]{1,2}\s*月(?:\s*[0-9０-９]{1,2}\s*日)?)?|[0-9]{4}[-/.][0-9]{1,2}(?:[-/.][0-9]{1,2})?)\s*(?:[（(][^（()）]*[）)])?\s*(?:発行|作成|改訂|改正|公表|策定|現在|時点|版)?$/;
/** A line that gives a date and nothing else: it stands alone (a cover's, a letter's). */
export function isDateLine(text: string): boolean {
  return dateLine.test(text.trim());
}

// Names of ministries, agencies, companies and departments one after another: a cover's publisher line.
const organisations =
  /^(?:(?:株式会社|一般社団法人|公益社団法人|一般財団法人|公益財団法人|独立行政法人|国立研究開発法人)?[\p{Script=Han}\p{Script=Katakana}ー・a-z]{1,20}?(?:省|庁|府|局|部|課|室|所|院|協会|機構|センター|株式会社|大学|委員会|本部|事務局|連合会))+$/u;

/** The role of each line (undefined: no role of its own), in the order given. */
export function outlineRoles(items: readonly OutlineItem[], body: BodyStyle): (LineRole | undefined)[] {
  const facts = factsOf(items);
  const roles: (LineRole | undefined)[] = new Array(items.length);
  const stack: OpenHeading[] = [];
  const seenTitles = new Map<string, number>();
  const lastOfStyle = new Map<string, Sequence[]>();
  let inProcedure = false;
  // The last line of the last heading: a line under a title is not carrying a sentence on.
  let headingEnd = -1;
  for (let i = 0; i < items.length; i++) {
    const { line } = items[i]!;
    if (tocEntry.test(line.text)) {
      // The second line of a wrapped entry carries on the first (the PDF parser joins them).
      if (!runsIntoTocEntry(i - 1, items)) roles[i] = { kind: 'text' };
      continue;
    }
    if (runsIntoTocEntry(i, items) || inContents(i, items, roles)) {
      roles[i] = { kind: 'text' };
      continue;
    }
    const cls = classifyLine(line.raw, { inProcedure });
    if (cls?.kind === 'caution') {
      roles[i] = { kind: 'caution', level: cls.level, label: cls.label };
      continue;
    }
    const wrapped = i - 1 > headingEnd && carriesOn(i, items);
    const found = headingAt(i, items, cls, { inProcedure, wrapped }, body, facts, seenTitles);
    if (found !== undefined) {
      const level = found.repeat ?? place(found.style, stack, lastOfStyle);
      if (found.repeat === undefined)
        stack.push({ level, style: found.style, leaf: found.toc || found.leaf === true });
      else while (stack.length > 0 && stack[stack.length - 1]!.level > level) stack.pop();
      const title = fold(
        items
          .slice(i, i + found.lines)
          .map((it) => it.line.text)
          .join(''),
      );
      if (!seenTitles.has(title)) seenTitles.set(title, level);
      roles[i] = { kind: 'heading', level, lines: found.lines };
      inProcedure = isProcedureTitle(line.text);
      i += found.lines - 1;
      headingEnd = i;
      continue;
    }
    if (cls?.kind === 'step') roles[i] = { kind: 'step', number: cls.number, marker: cls.marker };
    else if (cls !== null) roles[i] = { kind: 'text' };
  }
  return roles;
}

interface Facts {
  /** Folded titles listed in the document's 目次 (leaders and page numbers cut off). */
  readonly toc: ReadonlySet<string>;
  /** Right edge of the text in each page column: a line reaching it wraps on. */
  readonly rightEdge: ReadonlyMap<string, number>;
  /** Lines numbered "N title" that have a numbered sibling (N−1 or N+1, same indent). */
  readonly spaced: ReadonlyMap<number, number>;
  /** Pages whose own text is mostly set larger than the document's body (slides): that size. */
  readonly pageBody: ReadonlyMap<number, number>;
}

/** A line this long that runs on into the next is prose, whatever its size; slide titles are shorter. */
const proseChars = 38;

/** A page's size counts as its body once this many characters are set in it (a cover's title is not). */
const pageBodyChars = 300;

function factsOf(items: readonly OutlineItem[]): Facts {
  const toc = new Set<string>();
  const rightEdge = new Map<string, number>();
  const candidates: { i: number; number: number; x0: number; size: number }[] = [];
  const sizes = new Map<number, Map<number, number>>();
  items.forEach(({ page, column, line }, i) => {
    const onPage = sizes.get(page) ?? new Map<number, number>();
    const size = Math.round(line.size * 2) / 2;
    onPage.set(size, (onPage.get(size) ?? 0) + [...line.text].length);
    sizes.set(page, onPage);
    const key = `${page}/${column}`;
    rightEdge.set(key, Math.max(rightEdge.get(key) ?? 0, line.x1));
    const m = tocEntry.exec(line.text);
    if (m !== null) {
      const title = fold(line.text.slice(0, m.index));
      if ([...title].length >= 2) toc.add(title);
    }
    const n = spacedNumber.exec(line.raw.trim());
    if (n !== null && titleLike(line.raw.trim().slice(n[0].length)))
      candidates.push({ i, number: numeralValue(n[1]!)!, x0: line.x0, size: line.size });
  });
  const spaced = new Map<number, number>();
  for (const c of candidates) {
    const sibling = candidates.some(
      (o) => Math.abs(o.number - c.number) === 1 && Math.abs(o.x0 - c.x0) <= c.size,
    );
    if (sibling) spaced.set(c.i, c.number);
  }
  const pageBody = new Map<number, number>();
  for (const [page, onPage] of sizes) {
    const [size, chars] = [...onPage].reduce((a, b) => (b[1] > a[1] ? b : a));
    if (chars >= pageBodyChars) pageBody.set(page, size);
  }
  return { toc, rightEdge, spaced, pageBody };
}

interface Found {
  readonly style: HeadingStyle;
  readonly lines: number;
  /** 目次 itself. */
  readonly toc: boolean;
  /** Holds nothing: the next heading is its sibling (目次 is one too). */
  readonly leaf?: boolean;
  /** The level of the earlier heading this one repeats (a title printed again over the text). */
  readonly repeat?: number;
}

/** Whether line i starts a heading, and how it looks. */
function headingAt(
  i: number,
  items: readonly OutlineItem[],
  cls: LineClass | null,
  { inProcedure, wrapped }: { readonly inProcedure: boolean; readonly wrapped: boolean },
  body: BodyStyle,
  facts: Facts,
  seenTitles: ReadonlyMap<string, number>,
): Found | undefined {
  const { line } = items[i]!;
  const chars = [...line.text].length;
  const base = {
    size: Math.round(line.size * 2) / 2,
    bold: line.bold,
    ...(line.measured === true ? { measured: true } : {}),
  };
  const style: HeadingStyle = line.tagLevel === undefined ? base : { ...base, tag: line.tagLevel };
  if (line.tagLevel !== undefined && chars <= 120) return { style, lines: 1, toc: false };
  if ((line.text.match(/\p{L}/gu)?.length ?? 0) < 2 || bullet.test(line.text)) return undefined;
  if (chars > 60 || /[。、，,]$/.test(line.text) || dateLine.test(line.text)) return undefined;
  // The cover and title page name who published the document: not a section everything else sits under.
  if (items[i]!.page <= 2 && organisations.test(fold(line.text).toLowerCase())) return undefined;
  const listed = facts.toc.has(fold(line.text));
  if (cls !== null && cls.kind !== 'caution') {
    const numbered = { ...style, ...numbering(cls.marker, cls.kind === 'step' ? cls.number : undefined) };
    // A hyphenated number also starts definitions and list rows: only a title after it makes a section.
    if (cls.kind === 'heading' && /[0-9０-９][-－‐一]/.test(cls.marker) && !titleLike(cls.text))
      return undefined;
    if (cls.kind === 'heading')
      return chars <= 50 ? { style: numbered, lines: wrappedTitle(i, items, facts), toc: false } : undefined;
    // A numbered line standing alone as a title is a section, unless a procedure is numbering its steps.
    // ① and ⑴ are step markers first: outside a procedure they head a section only over an explanation
    // (a full-width paragraph below, not the next item); 手順1 is always a step.
    const alone = !inProcedure && titleLike(cls.text) && standsAlone(i, items, facts);
    const section = /^[(（]|^[0-9０-９]{1,3}[.．、)）]$/.test(cls.marker)
      ? alone
      : /^[\u2460-\u24ff\u3251-\u32bf\u2776-\u2793]$/u.test(cls.marker) &&
        alone &&
        explained(i, items, facts);
    return listed || section ? { style: numbered, lines: 1, toc: false } : undefined;
  }
  const spaced = facts.spaced.get(i);
  if (spaced !== undefined && standsAlone(i, items, facts))
    return { style: { ...style, rank: 4, number: spaced }, lines: 1, toc: false };
  // A label wholly in parentheses ("（別紙）", "(案)") marks the page; the title is what follows it.
  if (/^[（(][^（()）]*[）)]$/.test(line.text.trim())) return undefined;
  const toc = tocTitle.test(fold(line.text));
  if (listed || toc) return { style, lines: 1, toc };
  // A part (はじめに, 参考文献) is a sibling of the chapters, set however plainly: nothing nests under it.
  if (partTitle.test(fold(line.text)) && standsAlone(i, items, facts))
    return { style, lines: 1, toc: false, leaf: true };
  const listedLines = listedOver(i, items, facts);
  if (listedLines > 1) return { style, lines: listedLines, toc: false };
  // Slides set their text large: the second line of a large paragraph or bullet is not a title.
  if (wrapped) return undefined;
  const bodySize = Math.max(body.bodySize, facts.pageBody.get(items[i]!.page) ?? 0);
  const lines = larger(line.size, bodySize) ? wrapLength(i, items) : 1;
  const repeat = seenTitles.get(
    fold(
      items
        .slice(i, i + lines)
        .map((it) => it.line.text)
        .join(''),
    ),
  );
  if (repeat !== undefined) return { style, lines, toc: false, repeat };
  // A long line whose sentence the next line carries on, and not as a title's second line: the first line
  // of a paragraph set large.
  if (lines === 1 && chars >= proseChars && carriesOn(i + 1, items)) return undefined;
  if (lines > 1 || larger(line.size, bodySize)) return { style, lines, toc: false };
  // Bold type smaller than the body is a chart label or a note's lead, not a section title.
  if (
    line.bold &&
    !body.bodyBold &&
    line.size >= body.bodySize - 0.5 &&
    chars >= 2 &&
    chars <= 40 &&
    !/[。．.!！?？)）」』]$/.test(line.text)
  )
    return { style, lines: runsOn(line.text) ? wrapLength(i, items) : 1, toc: false };
  return undefined;
}

/** Numbering depth and number of a marker: 第N章 1, 別表第N 1, 第N節 2, N. 4, N.N 5, （N） 7, N) 8, ① 9. */
function numbering(marker: string, number: number | undefined): { rank?: number; number?: number } {
  // ① folds to 1 under NFKC: circled numbers are the innermost level, told apart before folding.
  if (/^[\u2460-\u2473\u3251-\u32bf\u2776-\u2793]/u.test(marker))
    return { rank: 9, ...(number === undefined ? {} : { number }) };
  const m = marker.normalize('NFKC').replace(/\s/g, '');
  const chapter = /^第(.+?)(部|編|章|節|款|項|条)/.exec(m);
  if (chapter !== null) {
    const rank = { 部: 0, 編: 0, 章: 1, 節: 2 }[chapter[2] as '部'] ?? 3;
    return { rank, number: numeralValue(chapter[1]!) ?? 0 };
  }
  const appendix = /^(?:別表|別紙|別添|付表|附表|付録|附録|附属書)第?(.+)$/.exec(m);
  if (appendix !== null) return { rank: 1, number: numeralValue(appendix[1]!) ?? 0 };
  // 3-1 is numbered like 3.1.
  const dotted = /^([0-9]+(?:\.[0-9]+)*)\.?$/.exec(
    m.replace(/、$/, '.').replace(/(?<=[0-9])[-‐一](?=[0-9])/g, '.'),
  );
  if (dotted !== null) {
    const parts = dotted[1]!.split('.');
    return { rank: 3 + parts.length, number: Number(parts[parts.length - 1]) };
  }
  const letter = /^([A-Z])((?:\.[0-9]+)*)\.$/.exec(m);
  if (letter !== null)
    return { rank: 3 + letter[2]!.split('.').length, number: letter[1]!.charCodeAt(0) - 64 };
  if (m.startsWith('(')) return { rank: 7, ...(number === undefined ? {} : { number }) };
  if (m.endsWith(')')) return { rank: 8, ...(number === undefined ? {} : { number }) };
  return {};
}

/** The last heading of a numbered sequence ("１．", "２．", …) and the size it is set in. */
interface Sequence {
  readonly size: number;
  readonly number: number;
  readonly level: number;
}

/**
 * The level of a new heading. It continues a numbered sequence at its predecessor's level ("２．" after
 * "１．", even with an unnumbered heading between them) when set in the same weight and about the same size:
 * sizes measured off a scan differ by a point from one title to the next; otherwise it closes every open
 * heading that does not enclose it and nests under the first that does.
 */
function place(style: HeadingStyle, stack: OpenHeading[], lastOfStyle: Map<string, Sequence[]>): number {
  while (stack.length > 0 && stack[stack.length - 1]!.leaf) stack.pop();
  const key = `${style.rank}/${style.bold}`;
  const sequences = style.rank === undefined ? [] : (lastOfStyle.get(key) ?? []);
  // Measured off a scan, the next number of a sequence continues it whatever its size.
  const loose = style.measured === true;
  const same = (s: Sequence) => loose || (!larger(s.size, style.size) && !larger(style.size, s.size));
  const last = sequences.find(same);
  let level: number;
  if (last !== undefined && style.number !== undefined && style.number === last.number + 1) {
    level = last.level;
    while (stack.length > 0 && stack[stack.length - 1]!.level >= level) stack.pop();
  } else {
    while (stack.length > 0 && !encloses(stack[stack.length - 1]!.style, style)) stack.pop();
    level = (stack[stack.length - 1]?.level ?? 0) + 1;
  }
  if (style.rank !== undefined && style.number !== undefined)
    lastOfStyle.set(key, [
      { size: style.size, number: style.number, level },
      ...sequences.filter((s) => s !== last && !same(s)),
    ]);
  return level;
}

/** Whether a heading styled `a` encloses one styled `b`: tag level, then size, weight, numbering depth. */
function encloses(a: HeadingStyle, b: HeadingStyle): boolean {
  if (a.tag !== undefined && b.tag !== undefined && a.tag !== b.tag) return a.tag < b.tag;
  // Between sizes measured off a scan, only a clear difference outweighs the numbering.
  const loose = a.measured === true || b.measured === true;
  if (larger(a.size, b.size, loose)) return true;
  if (larger(b.size, a.size, loose)) return false;
  if (a.bold !== b.bold) return a.bold;
  if (a.rank !== undefined && b.rank !== undefined) return a.rank < b.rank;
  // An unnumbered title set like the numbered ones ("（別紙）…", "用語の定義") is their sibling at the
  // outermost level, and what follows it numbered again belongs to it.
  return a.rank === undefined && b.rank !== undefined;
}

function larger(a: number, b: number, measured = false): boolean {
  return a - b >= 1 && a >= b * (measured ? 1.25 : 1.08);
}

/** A title, not an instruction or a sentence: short, no closing punctuation, no verb ending. */
function titleLike(text: string): boolean {
  const t = text.trim();
  if (partTitle.test(fold(t))) return true;
  return (
    [...t].length >= 2 &&
    [...t].length <= 40 &&
    // A title ending in a particle or an opening bracket runs on to the next line.
    !/[。．.!！?？、，,:：のにをがはとで「『（(]$/.test(t) &&
    !/[るすくうつむぶぐぬ]$|ください$|こと$/.test(t)
  );
}

/**
 * Line i is the next line of the sentence above it: same column and size, close below, under its text,
 * and the line above reaches the column's right edge without finishing a sentence.
 */
function carriesOn(i: number, items: readonly OutlineItem[]): boolean {
  const prev = items[i - 1];
  if (prev === undefined || items[i] === undefined) return false;
  const { page, column, line } = items[i]!;
  if (prev.page !== page || prev.column !== column) return false;
  const above = prev.line;
  if (isDateLine(above.text)) return false;
  // A bullet or a numbered line starts something new.
  if (bullet.test(line.text) || classifyLine(line.raw) !== null) return false;
  // The edge of the text around it: on a slide, a box's column shares its number with the full-width
  // lines above the boxes.
  let edge = above.x1;
  for (let k = Math.max(0, i - 3); k <= i + 3 && k < items.length; k++) {
    const near = items[k]!;
    if (near.page === page && near.column === column && Math.abs(near.line.top - line.top) <= 4 * line.size)
      edge = Math.max(edge, near.line.x1);
  }
  return (
    setUnder(above, line, line.size) &&
    line.x0 >= above.x0 - 1.5 * line.size &&
    line.x0 <= above.x0 + 4 * line.size &&
    ((above.x1 >= edge - 2 * above.size && !sentenceEnd.test(above.text)) || underBullet(i, items))
  );
}

/**
 * Line i is hung under the text of a bulleted item that starts a few lines above it, every line between
 * hung the same way: the item's next sentence, not a title.
 */
function underBullet(i: number, items: readonly OutlineItem[]): boolean {
  const { page, column, line } = items[i]!;
  for (let k = i - 1; k >= Math.max(0, i - 6); k--) {
    const above = items[k]!;
    const below = items[k + 1]!.line;
    const gap = below.top - above.line.bottom;
    if (above.page !== page || above.column !== column || Math.abs(above.line.size - line.size) > 0.5) break;
    if (gap > 0.8 * line.size || gap < -0.6 * line.size) break;
    if (bullet.test(above.line.text))
      return line.x0 > above.line.x0 + 0.5 * line.size && line.x0 <= above.line.x0 + 4 * line.size;
    if (Math.abs(above.line.x0 - line.x0) > 0.5 * line.size) break;
  }
  return false;
}

/** The line does not run on: it stops short of the column's right edge, or nothing follows it closely. */
function standsAlone(i: number, items: readonly OutlineItem[], facts: Facts): boolean {
  const { page, column, line } = items[i]!;
  const next = items[i + 1];
  if (next === undefined || next.page !== page || next.column !== column) return true;
  const edge = facts.rightEdge.get(`${page}/${column}`) ?? line.x1;
  return line.x1 < edge - 2 * line.size || next.line.top - line.bottom > 0.8 * line.size;
}

/**
 * The next line is running text that fills the column, or the page across a gutter (a slide's title in
 * the left column over full-width bullets): an explanation, not the next short item.
 */
function explained(i: number, items: readonly OutlineItem[], facts: Facts): boolean {
  const { page, column } = items[i]!;
  const next = items[i + 1];
  if (next === undefined || next.page !== page || (next.column !== column && next.column !== -1))
    return false;
  const edge = facts.rightEdge.get(`${page}/${next.column}`) ?? next.line.x1;
  return classifyLine(next.line.raw) === null && next.line.x1 >= edge - 2 * next.line.size;
}

/**
 * A numbered title that runs on (it ends in a particle or reaches the column's edge) onto one line set the
 * same way and hung under its text (「第３節　…能力開発の / 取組と効果」): 2, else 1.
 */
function wrappedTitle(i: number, items: readonly OutlineItem[], facts: Facts): number {
  const { page, column, line } = items[i]!;
  const next = items[i + 1];
  if (next === undefined || !hungUnder(items[i]!, next)) return 1;
  const edge = facts.rightEdge.get(`${page}/${column}`) ?? line.x1;
  const runsOn = /[のにをがはとで「『（(、，,・]$/.test(line.text) || line.x1 >= edge - line.size;
  const short = [...line.text].length + [...next.line.text].length <= 60 && !sentenceEnd.test(next.line.text);
  return runsOn && short && next.line.bold === line.bold && classifyLine(next.line.raw) === null ? 2 : 1;
}

/**
 * Line i is the first line of a 目次 entry too long for one line: the next line, hung under it, ends in the
 * leader and page number (「（４）「…振興基準」の / 改正、…の見直し……39」).
 */
function runsIntoTocEntry(i: number, items: readonly OutlineItem[]): boolean {
  const first = items[i];
  const next = items[i + 1];
  if (first === undefined || next === undefined || !hungUnder(first, next)) return false;
  return (
    !tocEntry.test(first.line.text) &&
    tocEntry.test(next.line.text) &&
    // An entry under a chapter title starts with its own number.
    classifyLine(next.line.raw) === null &&
    !sentenceEnd.test(first.line.text)
  );
}

/**
 * A chapter title listed inside the 目次 without a page number of its own: right after the 目次 title or an
 * entry, right before an entry, on one page. It is part of the contents, not the chapter it names.
 */
function inContents(
  i: number,
  items: readonly OutlineItem[],
  roles: readonly (LineRole | undefined)[],
): boolean {
  const prev = items[i - 1];
  const next = items[i + 1];
  const page = items[i]!.page;
  if (prev?.page !== page || next?.page !== page || !tocEntry.test(next.line.text)) return false;
  const role = roles[i - 1];
  return tocEntry.test(prev.line.text) || (role?.kind === 'heading' && tocTitle.test(fold(prev.line.text)));
}

/** `next` is the following line of `first` as a wrapped title sets it: same column and size, hung under its text. */
function hungUnder(first: OutlineItem, next: OutlineItem): boolean {
  const { line } = first;
  return (
    next.page === first.page &&
    next.column === first.column &&
    next.line.x0 > line.x0 + 0.5 * line.size &&
    next.line.x0 < line.x0 + 6 * line.size &&
    setUnder(line, next.line, line.size)
  );
}

/**
 * `below` is set as the next line of `above` would be: the same size (within half a point), at most 0.8 of
 * `size` below it, or overlapping it by up to 0.6 (tall glyphs).
 */
function setUnder(above: OutlineLine, below: OutlineLine, size: number): boolean {
  const gap = below.top - above.bottom;
  return Math.abs(below.size - above.size) <= 0.5 && gap <= 0.8 * size && gap >= -0.6 * size;
}

/** Lines (2 or 3) that together spell a 目次 entry, or 1. */
function listedOver(i: number, items: readonly OutlineItem[], facts: Facts): number {
  let text = items[i]!.line.text;
  for (let n = 2; n <= 3 && items[i + n - 1]?.page === items[i]!.page; n++) {
    text += items[i + n - 1]!.line.text;
    if (facts.toc.has(fold(text))) return n;
  }
  return 1;
}

/** A title line that cannot end there: it ends in a particle or a comma, or leaves a bracket open. */
function runsOn(text: string): boolean {
  const open = (text.match(/[「『（(]/g) ?? []).length;
  const closed = (text.match(/[」』）)]/g) ?? []).length;
  return open > closed || /[のにをがはとで、，,・]$/.test(text);
}

/** How many lines a large title wraps over: same size and weight, close below, short together. */
function wrapLength(i: number, items: readonly OutlineItem[]): number {
  const first = items[i]!;
  let n = 1;
  let chars = [...first.line.text].length;
  for (let j = i + 1; j < items.length; j++) {
    const { page, column, line } = items[j]!;
    const prev = items[j - 1]!.line;
    chars += [...line.text].length;
    if (page !== first.page || column !== first.column || chars > 60) break;
    if (!setUnder(prev, line, line.size) || line.bold !== prev.bold || tocEntry.test(line.text)) break;
    if (classifyLine(line.raw) !== null || dateLine.test(line.text) || bullet.test(line.text)) break;
    n++;
  }
  return n;
}

function fold(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, '');
}
