/**
 * Classifies one line of raw text as a step marker, a caution signal word or a numbered heading.
 * Runs on the text as written (before NFKC): NFKC folds ① to 1 and ⑴ to (1), and the difference between
 * "①" and "1." is exactly what tells a step from a heading.
 */
import type { CautionLevel } from '../document/index.js';
import { circledValue, enclosedValue, numeralValue } from './numerals.js';

interface LineClassBase {
  /** UTF-16 offset in the raw line where the marker (or signal word) starts (after indentation). */
  readonly markerStart: number;
  /** UTF-16 offset in the raw line where the text after the marker starts. */
  readonly textStart: number;
  /** The text after the marker and its separator, trimmed at the end. */
  readonly text: string;
}
export interface StepLine extends LineClassBase {
  readonly kind: 'step';
  readonly number: number;
  /** The marker exactly as written: ①, ⑴, (1), （１）, 1., １．, 手順1, Step 1. */
  readonly marker: string;
}
export interface CautionLine extends LineClassBase {
  readonly kind: 'caution';
  readonly level: CautionLevel;
  /** The signal word as written: 危険, 警告, 注意, 注記, NOTE, WARNING … */
  readonly label: string;
}
export interface HeadingLine extends LineClassBase {
  readonly kind: 'heading';
  /** 1 = top level (第1章, 1.), 2 = 第1節 or 1.1, 3 = 1.1.1 … */
  readonly level: number;
  readonly marker: string;
}
export type LineClass = StepLine | CautionLine | HeadingLine;

export interface ClassifyOptions {
  /**
   * True when the line sits under a procedure-like heading (手順, 作業手順, Procedure): a bare "1." then
   * means a step. Without it, "1. 概要" reads as a heading and "1. 電源を切る。" (sentence-like) as a step.
   */
  readonly inProcedure?: boolean;
}

const digits = '[0-9０-９]{1,3}';
const kanji = '[〇一二三四五六七八九十百]{1,4}';
const spaceAfter = '[ \\t\\u3000]*';

const cautionWords: readonly (readonly [RegExp, CautionLevel])[] = [
  [/^(危険|DANGER|Danger)$/, 'danger'],
  [/^(警告|WARNING|Warning)$/, 'warning'],
  [/^(注意|CAUTION|Caution)$/, 'caution'],
  [/^(注記|NOTE|Note|NOTICE|Notice|注|参考|重要)$/, 'note'],
];
const cautionAlternation =
  '危険|警告|注意|注記|参考|重要|DANGER|Danger|WARNING|Warning|CAUTION|Caution|NOTICE|Notice|NOTE|Note';
// Bracketed: 【注意】, [警告], ＜注意＞, 《危険》, ■注意, ⚠警告. Bare: "注意：" "NOTE:" "警告 " or the word alone.
const bracketedCaution = new RegExp(
  `^(?:⚠\\uFE0F?${spaceAfter})?([【\\[［<＜《〈(（])(${cautionAlternation}|注)([】\\]］>＞》〉)）])${spaceAfter}[:：]?${spaceAfter}`,
);
const bareCaution = new RegExp(
  `^(?:(?:⚠\\uFE0F?|■|●|◆|▲|△)${spaceAfter})?(${cautionAlternation})(?:${spaceAfter}[:：]${spaceAfter}|[ \\t\\u3000]+|$)`,
);

const chapterHeading = new RegExp(
  `^第${spaceAfter}(${digits}|${kanji})${spaceAfter}(部|編|章|節|款|項|条)${spaceAfter}`,
);
const chapterLevels: Readonly<Record<string, number>> = { 部: 1, 編: 1, 章: 1, 節: 2, 款: 3, 項: 3, 条: 3 };
// Appendices numbered like chapters: 別表第1, 別紙２, 付録 A is not one (no number), 附属書三.
const appendixHeading = new RegExp(
  `^(?:別表|別紙|別添|付表|附表|付録|附録|附属書)${spaceAfter}第?${spaceAfter}(${digits}|${kanji})(?![0-9０-９])${spaceAfter}`,
);
// Text right after a marker that opens with a particle is a cross-reference, not an item: "（１）のとおり",
// "第２章で述べた", "別表第1に掲げる"; with closing punctuation, a wrapped citation ("第２項）、…").
// Titles and instructions start with a noun or a verb. は, と, に, も and や also start words (はじめに,
// ものづくり, とりまとめ): followed by another hiragana they are a particle only in the usual compounds.
// から and まで mark a range ("第２章から第４章まで").
const referenceText =
  /^(?:[のがをでへ）)」』、，,。．]|[はともにや](?![ぁ-ゖ])|と[はのもしをがで]|に[はもてつおよあ]|から|まで)/;
// Two dots or more (3.1.6) cannot be a decimal, so the title may follow with no space: "3.1.6用量設定".
const dottedHeading =
  /^([0-9０-９]{1,3}(?:[.．][0-9０-９]{1,3})+)[.．]?(?:[ \t\u3000]+|$)|^([0-9０-９]{1,3}(?:[.．][0-9０-９]{1,3}){2,})(?=[^\s0-9０-９.．,，%％])/;
// "1-1 目的", "２－３　点検手順": sections numbered with hyphens, as Japanese manuals often are (一 is how OCR
// reads a hyphen between digits). A count or a date range ("4-6月期", "3-5日") is not one.
const dashedHeading =
  /^([0-9０-９]{1,2}(?:[-－‐一][0-9０-９]{1,2}){1,2})(?:[ \t\u3000]+|(?=[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]))(?![年月日時分秒歳人回個件号階倍割])/u;
const letterHeading = /^([A-ZＡ-Ｚ](?:[.．][0-9０-９]{1,3})*)[.．](?:[ \t\u3000]+|$)/;
const bracketHeading = /^【([^】]{1,30})】[ \t\u3000]*$/;

const circledStep = /^[\u2460-\u2473\u3251-\u325f\u32b1-\u32bf\u2776-\u2793]/u;
const enclosedStep = /^[\u2474-\u249b]/u;
const parenStep = new RegExp(`^[(（]${spaceAfter}(${digits})${spaceAfter}[)）]`);
const halfParenStep = new RegExp(`^(${digits})[)）]`);
const namedStep = new RegExp(
  `^(手順|ステップ|[Ss]tep|STEP)${spaceAfter}(${digits}|${kanji})(?=[ \\t\\u3000.．:：)）、]|$)[.．:：)）]?`,
);
const dottedStep = new RegExp(`^(${digits})[.．、](?![0-9０-９])`);

/** Recognises the structural role of one line, or null for plain text. */
export function classifyLine(raw: string, options: ClassifyOptions = {}): LineClass | null {
  const indent = raw.length - raw.trimStart().length;
  const line = raw.slice(indent).trimEnd();
  if (line === '') return null;
  const c =
    caution(line, indent) ?? heading(line, indent) ?? step(line, indent, options.inProcedure === true);
  if (c === null || (c.kind !== 'caution' && referenceText.test(c.text))) return null;
  return c;
}

/** A heading title that introduces a procedure: its numbered items are steps. */
export function isProcedureTitle(title: string): boolean {
  // 操作 counts only as the subject ("操作", "操作の仕方"): "遠隔操作を行う機器の分類" is not a procedure.
  return /手順|要領|やり方|方法|操作(?:$|の(?:仕方|流れ))|作業の流れ|procedure|instructions|steps/i.test(
    title.normalize('NFKC').trim(),
  );
}

/**
 * A sentence that introduces steps: "次の手順で行う。", "点検手順（この順に実施）：". The ordered list right
 * after it (or nested under it) holds steps even outside a procedure heading.
 */
export function isProcedureLead(text: string): boolean {
  const t = text.normalize('NFKC').trim();
  return [...t].length <= 80 && /手順|順序|順に|要領|procedure|steps|as follows/i.test(t);
}

function after(line: string, indent: number, markerLength: number): { textStart: number; text: string } {
  const rest = line.slice(markerLength);
  const skipped = rest.length - rest.trimStart().length;
  return { textStart: indent + markerLength + skipped, text: rest.trimStart() };
}

function caution(line: string, indent: number): CautionLine | null {
  const b = bracketedCaution.exec(line);
  const m = b ?? bareCaution.exec(line);
  if (m === null) return null;
  const label = b !== null ? b[2]! : m[1]!;
  // 注, 参考 and 重要 are too common as plain words; they count only in brackets.
  if (b === null && (label === '注' || label === '参考' || label === '重要')) return null;
  const level = cautionWords.find(([re]) => re.test(label))?.[1];
  if (level === undefined) return null;
  const markerStart = indent + line.indexOf(label);
  return { kind: 'caution', level, label, markerStart, ...after(line, indent, m[0].length) };
}

function heading(line: string, indent: number): HeadingLine | null {
  const chapter = chapterHeading.exec(line);
  if (chapter !== null && numeralValue(chapter[1]!) !== undefined) {
    const marker = chapter[0].trimEnd();
    return {
      kind: 'heading',
      level: chapterLevels[chapter[2]!] ?? 1,
      marker,
      markerStart: indent,
      ...after(line, indent, chapter[0].length),
    };
  }
  const appendix = appendixHeading.exec(line);
  if (appendix !== null && numeralValue(appendix[1]!) !== undefined) {
    return {
      kind: 'heading',
      level: 1,
      marker: appendix[0].trimEnd(),
      markerStart: indent,
      ...after(line, indent, appendix[0].length),
    };
  }
  const dotted = dottedHeading.exec(line);
  if (dotted !== null) {
    const level = (dotted[1] ?? dotted[2])!.split(/[.．]/).length;
    return {
      kind: 'heading',
      level,
      marker: dotted[0].trimEnd(),
      markerStart: indent,
      ...after(line, indent, dotted[0].length),
    };
  }
  const dashed = dashedHeading.exec(line);
  if (dashed !== null) {
    return {
      kind: 'heading',
      level: dashed[1]!.split(/[-－‐一]/).length,
      marker: dashed[0].trimEnd(),
      markerStart: indent,
      ...after(line, indent, dashed[0].length),
    };
  }
  const letter = letterHeading.exec(line);
  if (letter !== null && line.length <= 60) {
    const level = letter[1]!.split(/[.．]/).length;
    return {
      kind: 'heading',
      level,
      marker: letter[0].trimEnd(),
      markerStart: indent,
      ...after(line, indent, letter[0].length),
    };
  }
  const bracket = bracketHeading.exec(line);
  if (bracket !== null) {
    return {
      kind: 'heading',
      level: 2,
      marker: '【】',
      markerStart: indent,
      textStart: indent + 1,
      text: bracket[1]!.trim(),
    };
  }
  return null;
}

function step(line: string, indent: number, inProcedure: boolean): StepLine | HeadingLine | null {
  const first = String.fromCodePoint(line.codePointAt(0)!);
  const circled = circledStep.test(line)
    ? circledValue(first)
    : enclosedStep.test(line)
      ? enclosedValue(first)
      : undefined;
  if (circled !== undefined) {
    return {
      kind: 'step',
      number: circled,
      marker: first,
      markerStart: indent,
      ...after(line, indent, first.length),
    };
  }
  for (const re of [parenStep, halfParenStep]) {
    const m = re.exec(line);
    if (m !== null) return stepOf(m[0], numeralValue(m[1]!)!, line, indent);
  }
  const named = namedStep.exec(line);
  if (named !== null) {
    const n = numeralValue(named[2]!);
    if (n !== undefined) return stepOf(named[0], n, line, indent);
  }
  const dotted = dottedStep.exec(line);
  if (dotted === null) return null;
  const n = numeralValue(dotted[1]!)!;
  const rest = after(line, indent, dotted[0].length);
  if (inProcedure || looksLikeSentence(rest.text)) return stepOf(dotted[0], n, line, indent);
  return { kind: 'heading', level: 1, marker: dotted[0], markerStart: indent, ...rest };
}

function stepOf(markerText: string, number: number, line: string, indent: number): StepLine {
  return {
    kind: 'step',
    number,
    marker: markerText.trim(),
    markerStart: indent,
    ...after(line, indent, markerText.length),
  };
}

// Titles are short and end without punctuation; instructions end with 。 or run long.
function looksLikeSentence(text: string): boolean {
  return /[。．.!！?？]$/.test(text) || [...text].length > 40 || text === '';
}
