/**
 * What a DOCX paragraph's style and numbering mean: heading levels from styles.xml (Heading N, 見出し N,
 * outline levels, inherited through basedOn) and list markers from numbering.xml (format and counters).
 */
import { circledValue } from '../structure/index.js';
import { childValue, type DomElement, elementChildren, findFirst, firstChild, parseXml } from './xml.js';

interface StyleDef {
  readonly name: string;
  readonly basedOn?: string;
  readonly outlineLevel?: number;
  /** List numbering carried by the style itself ("List Number", 手順 styles). */
  readonly numId?: string;
  readonly ilvl?: number;
}

export type Styles = ReadonlyMap<string, StyleDef>;

export function readStyles(xml: string | undefined): Styles {
  const styles = new Map<string, StyleDef>();
  if (xml === undefined) return styles;
  const root = findFirst(parseXml(xml), 'w:styles');
  for (const s of root === undefined ? [] : elementChildren(root, 'w:style')) {
    const id = s.attribs['w:styleId'];
    if (id === undefined) continue;
    const pPr = firstChild(s, 'w:pPr');
    const outline = childValue(pPr, 'w:outlineLvl');
    const basedOn = childValue(s, 'w:basedOn');
    const numPr = pPr === undefined ? undefined : firstChild(pPr, 'w:numPr');
    const numId = childValue(numPr, 'w:numId');
    styles.set(id, {
      name: childValue(s, 'w:name') ?? id,
      ...(basedOn === undefined ? {} : { basedOn }),
      ...(outline === undefined ? {} : { outlineLevel: Number.parseInt(outline, 10) }),
      ...(numId === undefined
        ? {}
        : { numId, ilvl: Number.parseInt(childValue(numPr, 'w:ilvl') ?? '0', 10) }),
    });
  }
  return styles;
}

/** Heading level (1 = top) of a paragraph style, or undefined for body text. */
export function headingLevel(
  styles: Styles,
  styleId: string | undefined,
  paragraphOutline?: string,
): number | undefined {
  if (paragraphOutline !== undefined) return outlineToLevel(Number.parseInt(paragraphOutline, 10));
  for (let id = styleId, hops = 0; id !== undefined && hops < 10; hops++) {
    const style = styles.get(id);
    const name = style?.name ?? id;
    const named = /^(?:heading|見出し)\s*(\d)$/i.exec(name.trim());
    if (named !== null) return Number(named[1]);
    if (/^(title|表題)$/i.test(name.trim())) return 1;
    if (style?.outlineLevel !== undefined) return outlineToLevel(style.outlineLevel);
    id = style?.basedOn;
  }
  return undefined;
}

/** The list numbering a paragraph style carries (directly or through basedOn), if any. */
export function styleNumbering(
  styles: Styles,
  styleId: string | undefined,
): { numId: string; ilvl: number } | undefined {
  for (let id = styleId, hops = 0; id !== undefined && hops < 10; hops++) {
    const style = styles.get(id);
    if (style?.numId !== undefined) return { numId: style.numId, ilvl: style.ilvl ?? 0 };
    id = style?.basedOn;
  }
  return undefined;
}

function outlineToLevel(outline: number): number | undefined {
  // Outline level 9 is "body text".
  return Number.isFinite(outline) && outline >= 0 && outline < 9 ? outline + 1 : undefined;
}

interface LevelDef {
  readonly start: number;
  readonly format: string;
  readonly text: string;
}

export interface Numbering {
  /** numId → level definitions by ilvl. */
  readonly lists: ReadonlyMap<string, readonly LevelDef[]>;
}

export function readNumbering(xml: string | undefined): Numbering {
  const lists = new Map<string, LevelDef[]>();
  if (xml === undefined) return { lists };
  const root = findFirst(parseXml(xml), 'w:numbering');
  if (root === undefined) return { lists };
  const abstract = new Map<string, LevelDef[]>();
  for (const a of elementChildren(root, 'w:abstractNum')) {
    abstract.set(a.attribs['w:abstractNumId'] ?? '', levelsOf(a));
  }
  for (const n of elementChildren(root, 'w:num')) {
    const levels = [...(abstract.get(childValue(n, 'w:abstractNumId') ?? '') ?? [])];
    for (const o of elementChildren(n, 'w:lvlOverride')) {
      const ilvl = Number.parseInt(o.attribs['w:ilvl'] ?? '0', 10);
      const start = childValue(o, 'w:startOverride');
      const base = levels[ilvl];
      if (start !== undefined && base !== undefined)
        levels[ilvl] = { ...base, start: Number.parseInt(start, 10) };
    }
    lists.set(n.attribs['w:numId'] ?? '', levels);
  }
  return { lists };
}

function levelsOf(a: DomElement): LevelDef[] {
  const levels: LevelDef[] = [];
  for (const l of elementChildren(a, 'w:lvl')) {
    levels[Number.parseInt(l.attribs['w:ilvl'] ?? '0', 10)] = {
      start: Number.parseInt(childValue(l, 'w:start') ?? '1', 10),
      format: childValue(l, 'w:numFmt') ?? 'decimal',
      text: childValue(l, 'w:lvlText') ?? '',
    };
  }
  return levels;
}

export interface ListMarker {
  readonly ordered: boolean;
  readonly number: number;
  /** The marker as Word would render it: "1.", "①", "(2)", "•". */
  readonly marker: string;
  /** True when the format itself says "step" (①, ⑴). */
  readonly stepFormat: boolean;
}

/** Counters for one document: numId → per-level current values. */
export type Counters = Map<string, number[]>;

/** Advances the counter for (numId, ilvl) and renders the marker; undefined when the list is unknown. */
export function nextMarker(
  numbering: Numbering,
  counters: Counters,
  numId: string,
  ilvl: number,
): ListMarker | undefined {
  const levels = numbering.lists.get(numId);
  const level = levels?.[ilvl];
  if (levels === undefined || level === undefined || numId === '0') return undefined;
  const values = counters.get(numId) ?? [];
  values[ilvl] = (values[ilvl] ?? level.start - 1) + 1;
  values.length = ilvl + 1; // deeper levels restart
  counters.set(numId, values);
  const ordered = level.format !== 'bullet' && level.format !== 'none';
  const marker = level.text.replace(/%(\d)/g, (_, d: string) => {
    const i = Number(d) - 1;
    return formatNumber(values[i] ?? levels[i]?.start ?? 1, levels[i]?.format ?? 'decimal');
  });
  const stepFormat =
    /^decimalEnclosed(Circle|Paren|Fullstop)/.test(level.format) || circledValue(marker) !== undefined;
  return { ordered, number: values[ilvl]!, marker, stepFormat };
}

function formatNumber(n: number, format: string): string {
  switch (format) {
    case 'decimalEnclosedCircle':
    case 'decimalEnclosedCircleChinese':
      return n >= 1 && n <= 20 ? String.fromCodePoint(0x2460 + n - 1) : String(n);
    case 'decimalEnclosedParen':
      return n >= 1 && n <= 20 ? String.fromCodePoint(0x2474 + n - 1) : `(${n})`;
    case 'decimalEnclosedFullstop':
      return n >= 1 && n <= 20 ? String.fromCodePoint(0x2488 + n - 1) : `${n}.`;
    case 'decimalFullWidth':
    case 'decimalFullWidth2':
      return String(n).replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
    case 'upperLetter':
      return String.fromCharCode(64 + (((n - 1) % 26) + 1));
    case 'lowerLetter':
      return String.fromCharCode(96 + (((n - 1) % 26) + 1));
    case 'bullet':
    case 'none':
      return '';
    default:
      return String(n);
  }
}
