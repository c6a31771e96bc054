/**
 * Text runs: pdfjs text items placed on the page (top-left origin), with font size, weight and the
 * heading level the tag tree gives them, if any.
 */
import type { TextContent, TextItem, TextMarkedContent } from 'pdfjs-dist/types/src/display/api.js';
import { fromSymbolFont } from '../symbol-fonts.js';
import { apply, type Box, boxOfPoints, type Matrix, multiply } from './geometry.js';

export interface TextRun extends Box {
  readonly text: string;
  /** Baseline y (top-left origin). */
  readonly baseline: number;
  readonly size: number;
  readonly bold: boolean;
  /** Written top-to-bottom (縦書き, or text turned on its side) after page rotation. */
  readonly vertical: boolean;
  /** Set in a vertical font (縦書き): the page may be read in a frame turned so its columns are rows. */
  readonly writing?: 'vertical';
  /** Heading level from the PDF's tag tree (H1 → 1, H/Title → 1), when tagged. */
  readonly tagLevel?: number;
  /** The text with the word gaps OCR saw kept as spaces, where `text` has them joined: markers are read on it. */
  readonly raw?: string;
}

export interface FontFacts {
  readonly name: string;
  readonly bold: boolean;
}

/** Places every non-empty text item; `fonts` maps pdfjs font ids to real names and weights. */
export function runsOf(
  content: TextContent,
  viewport: Matrix,
  fonts: ReadonlyMap<string, FontFacts>,
  tagLevels: ReadonlyMap<string, number>,
): TextRun[] {
  const runs: TextRun[] = [];
  const open: string[] = [];
  for (const item of content.items) {
    if (isMarked(item)) {
      if (item.type === 'beginMarkedContentProps' || item.type === 'beginMarkedContent')
        open.push(item.id ?? '');
      else if (item.type === 'endMarkedContent') open.pop();
      continue;
    }
    if (item.str.trim() === '') continue;
    const style = content.styles[item.fontName];
    const level = open.reduce<number | undefined>((found, id) => found ?? tagLevels.get(id), undefined);
    runs.push(place(item, viewport, style, fonts.get(item.fontName), level));
  }
  return runs;
}

function isMarked(item: TextItem | TextMarkedContent): item is TextMarkedContent {
  return !('str' in item);
}

/**
 * The run's box on the page. In a vertical font (縦書き, a -V CMap) pdf.js gives the origin at the top of the
 * column, centred, and the length down the column as `height`; such a run is `writing: 'vertical'`, and the
 * vertical presentation forms of its punctuation (︒ ︑ ﹁ ﹂) are written as their ordinary forms.
 */
function place(
  item: TextItem,
  viewport: Matrix,
  style: { readonly ascent?: number; readonly descent?: number; readonly vertical?: boolean } | undefined,
  font: FontFacts | undefined,
  tagLevel: number | undefined,
): TextRun {
  const t = item.transform as unknown as Matrix;
  const m = multiply(t, viewport);
  const common = { bold: isBold(font), ...(tagLevel === undefined ? {} : { tagLevel }) };
  // Full-width spaces at either end (a 字下げ typed as 「　」) are blank ems: the box holds the letters only,
  // so an indented line starts where its first letter does.
  const lead = /^\u3000*/.exec(item.str)![0].length;
  const trail = lead === item.str.length ? 0 : /\u3000*$/.exec(item.str)![0].length;
  const str = fromSymbolFont(item.str.slice(lead, item.str.length - trail), font?.name ?? '');
  if (style?.vertical === true) {
    const size = Math.hypot(t[0], t[1]) || Math.hypot(t[2], t[3]) || 1;
    const length = item.height / size; // text-space units down the column
    const [from, to] = lead + trail < length ? [-lead, -(length - trail)] : [0, -length];
    const box = boxOfPoints([
      apply(m, -0.5, from),
      apply(m, 0.5, from),
      apply(m, -0.5, to),
      apply(m, 0.5, to),
    ]);
    return {
      ...box,
      ...common,
      text: str.replace(verticalForms, (c) => c.normalize('NFKC')),
      baseline: box.bottom,
      size: Math.round(size * 10) / 10,
      vertical: true,
      writing: 'vertical',
    };
  }
  const size = Math.hypot(t[2], t[3]) || Math.hypot(t[0], t[1]) || 1;
  const advance = Math.hypot(t[0], t[1]) || 1;
  const width = item.width / advance; // text-space units along the baseline
  const up = Math.max(0.5, Math.min(1.2, style?.ascent || 0.88));
  const down = Math.max(0, Math.min(0.5, -(style?.descent || -0.12)));
  const [from, to] = lead + trail < width ? [lead, width - trail] : [0, width];
  const corners = [apply(m, from, -down), apply(m, to, -down), apply(m, from, up), apply(m, to, up)];
  return {
    ...boxOfPoints(corners),
    ...common,
    text: str,
    baseline: apply(m, 0, 0)[1],
    size: Math.round(size * 10) / 10,
    vertical: Math.abs(m[1]) > Math.abs(m[0]),
  };
}

const verticalForms = /[\uFE10-\uFE19\uFE30-\uFE4F]/g;

function isBold(font: FontFacts | undefined): boolean {
  return font?.bold === true || /bold|black|heavy|demi|semibold|W[6-9]\b|UB$|-B$|,B$/i.test(font?.name ?? '');
}

interface StructNode {
  readonly role?: string;
  readonly type?: string;
  readonly id?: string;
  readonly children?: readonly StructNode[];
}

/** Marked-content ids that the tag tree puts under a heading (H, H1–H6, Title) → heading level. */
export function headingTags(tree: StructNode | null | undefined): Map<string, number> {
  const levels = new Map<string, number>();
  const walk = (node: StructNode, level: number | undefined): void => {
    const own = headingLevelOfRole(node.role);
    const current = own ?? level;
    if (node.type === 'content' && node.id !== undefined && current !== undefined)
      levels.set(node.id, current);
    for (const child of node.children ?? []) walk(child, current);
  };
  if (tree) walk(tree, undefined);
  return levels;
}

function headingLevelOfRole(role: string | undefined): number | undefined {
  if (role === undefined) return undefined;
  if (role === 'Title' || role === 'H') return 1;
  const m = /^H([1-6])$/.exec(role);
  return m ? Number(m[1]) : undefined;
}
