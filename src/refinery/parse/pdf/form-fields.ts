/**
 * What a filled-in PDF form holds outside its page's text: the values typed into its fields (an inspection
 * sheet's date, inspector and measurements), its ticked checkboxes and radio buttons, and text typed on the page
 * as a FreeText comment. None of it is in the content stream that pdf.js reads text from, so without this a
 * filled-in 点検表 parses as its blank form. Each value becomes a text run where the field sits, so it joins the
 * line of its printed label or the table cell it fills, as it reads on paper.
 */
import { apply, type Box, boxOfPoints, type Matrix } from './geometry.js';
import type { TextRun } from './runs.js';

/** The part of a pdf.js annotation (`page.getAnnotations()`) read here. */
export interface PdfAnnotation {
  readonly subtype?: string;
  readonly fieldType?: string;
  readonly fieldValue?: unknown;
  /** [x1, y1, x2, y2] in PDF user space. */
  readonly rect?: readonly number[];
  readonly checkBox?: boolean;
  readonly radioButton?: boolean;
  readonly pushButton?: boolean;
  /** A checkbox's on state. */
  readonly exportValue?: string;
  /** A radio button's own on state. */
  readonly buttonValue?: string;
  readonly hidden?: boolean;
  readonly noView?: boolean;
  readonly defaultAppearanceData?: { readonly fontSize?: number };
  /** A FreeText annotation's lines. */
  readonly textContent?: readonly string[];
  readonly contentsObj?: { readonly str?: string };
}

/** Marks for a ticked and an empty checkbox, a chosen and an unchosen radio button. */
export const marks = { checked: '☑', unchecked: '☐', chosen: '◉', unchosen: '○' } as const;

/** The annotations' values as runs on the page (`viewport` maps PDF space to the top-left frame). */
export function fieldRuns(annotations: readonly PdfAnnotation[], viewport: Matrix): TextRun[] {
  return annotations.flatMap((a) => {
    if (a.hidden === true || a.noView === true || a.rect?.length !== 4) return [];
    const text = shownValue(a);
    if (text === undefined) return [];
    const [x1, y1, x2, y2] = a.rect as [number, number, number, number];
    const box = boxOfPoints([apply(viewport, x1, y1), apply(viewport, x2, y2)]);
    const lines = text.split(/\r\n|\r|\n/).filter((l) => l.trim() !== '');
    return lines.map((line, i) => placed(line, i, lines.length, box, a));
  });
}

function shownValue(a: PdfAnnotation): string | undefined {
  if (a.subtype === 'FreeText') {
    const text = a.textContent?.join('\n') ?? a.contentsObj?.str ?? '';
    return text.trim() === '' ? undefined : text;
  }
  if (a.subtype !== 'Widget') return undefined;
  const v = a.fieldValue;
  if (a.fieldType === 'Btn') {
    if (a.pushButton === true) return undefined;
    const on = typeof v === 'string' && v !== 'Off' && v !== '';
    if (a.radioButton === true) return on && v === a.buttonValue ? marks.chosen : marks.unchosen;
    return on && (a.exportValue === undefined || v === a.exportValue) ? marks.checked : marks.unchecked;
  }
  // A list box may hold several choices.
  const text = Array.isArray(v) ? v.filter((x) => typeof x === 'string').join('、') : v;
  return typeof text === 'string' && text.trim() !== '' ? text : undefined;
}

/** Line `i` of `count` inside the field's box: one line centred in it, several from its top. */
function placed(text: string, i: number, count: number, box: Box, a: PdfAnnotation): TextRun {
  const height = box.bottom - box.top;
  const mark = a.fieldType === 'Btn';
  // 0 is "fit the box": about two thirds of a one-line field's height, 12 pt at most.
  const given = a.defaultAppearanceData?.fontSize ?? 0;
  const size = mark ? height : given > 0 ? given : Math.min(12, Math.max(4, (0.7 * height) / count));
  const top = count === 1 ? box.top + Math.max(0, (height - size) / 2) : box.top + 2 + i * 1.2 * size;
  const x0 = mark ? box.x0 : box.x0 + 2;
  const ems = [...text].reduce((n, c) => n + (c.charCodeAt(0) < 0x2000 ? 0.5 : 1), 0);
  return {
    text,
    x0,
    x1: Math.min(box.x1, x0 + ems * size),
    top,
    bottom: top + size,
    baseline: top + 0.88 * size,
    size,
    bold: false,
    vertical: false,
  };
}
