/**
 * DOCX read straight from its OOXML: word/document.xml for the body, styles.xml for heading levels,
 * numbering.xml for list and step markers. Ruby (furigana) keeps only its base text, deleted revisions are
 * dropped, text boxes become blocks after their paragraph, and so do footnotes and endnotes (docx-notes.ts)
 * and the text OCR reads in its pictures.
 * Tables keep gridSpan/vMerge merges as spans on the anchor cell. Location: the 0-based index of the
 * paragraph or table in the body.
 */
import type { DocumentMetadata, Parser, TableCell } from '../document/index.js';
import {
  type BlockDraft,
  buildBlocks,
  classifyLine,
  createTextClassifier,
  detectHeaderRows,
  isProcedureTitle,
  markHeaderRows,
  type TextClassifier,
  tableText,
} from '../structure/index.js';
import { defaultZipLimits, partText, readZip, type ZipLimits } from './archive.js';
import { markAttribute, markReferences, noteDrafts, readNotes } from './docx-notes.js';
import {
  type Counters,
  headingLevel,
  type Numbering,
  nextMarker,
  readNumbering,
  readStyles,
  type Styles,
  styleNumbering,
} from './docx-styles.js';
import { CorruptFile } from './errors.js';
import {
  type PictureDeps,
  type PicturePlace,
  relationshipTargets,
  withPictureText,
} from './office-pictures.js';
// The running-text reader alone: pdf/index.js would load pdfjs for every DOCX.
import { printedFacts } from './pdf/running-text.js';
import { fromSymbolFont } from './symbol-fonts.js';
import {
  childValue,
  type DomElement,
  type DomNode,
  elementChildren,
  findAll,
  findFirst,
  firstChild,
  isElement,
  parseXml,
} from './xml.js';

interface Walk {
  readonly styles: Styles;
  readonly numbering: Numbering;
  readonly counters: Counters;
  readonly classifier: TextClassifier;
  readonly out: BlockDraft[];
  /** Picture relationship ids → package paths, and where the pictures sit. */
  readonly targets: ReadonlyMap<string, string>;
  readonly pictures: PicturePlace[];
  inProcedure: boolean;
}

const parts = new Set([
  'word/document.xml',
  'word/_rels/document.xml.rels',
  'word/styles.xml',
  'word/numbering.xml',
  'word/footnotes.xml',
  'word/endnotes.xml',
  'docProps/core.xml',
]);
const runningParts = /^word\/(header|footer)\d*\.xml$/;

/** A DOCX parser with the given zip limits; text in pictures is read when OCR is at hand (see `deps`). */
export function docxParser(limits: ZipLimits = defaultZipLimits, deps: PictureDeps = {}): Parser {
  return async (bytes, source) => {
    const files = readZip(bytes, source.uri, (name) => parts.has(name) || runningParts.test(name), limits);
    const documentXml = partText(files, 'word/document.xml');
    if (documentXml === undefined) throw new CorruptFile(source.uri, 'word/document.xml is missing');
    const body = findFirst(parseXml(documentXml), 'w:body');
    if (body === undefined) throw new CorruptFile(source.uri, 'word/document.xml has no body');
    const w: Walk = {
      styles: readStyles(partText(files, 'word/styles.xml')),
      numbering: readNumbering(partText(files, 'word/numbering.xml')),
      counters: new Map(),
      classifier: createTextClassifier({ headings: true }),
      out: [],
      targets: relationshipTargets(partText(files, 'word/_rels/document.xml.rels'), 'word'),
      pictures: [],
      inProcedure: false,
    };
    const notes = {
      footnote: readNotes(partText(files, 'word/footnotes.xml'), 'footnote', paragraphText),
      endnote: readNotes(partText(files, 'word/endnotes.xml'), 'endnote', paragraphText),
    };
    markReferences(body, notes);
    bodyElements(body).forEach((element, index) => {
      if (element.name === 'w:tbl') w.out.push(boxOrTable(table(element, index), w.classifier));
      else paragraph(element, index, w);
      w.out.push(...noteDrafts(element, notes, { paragraph: index }));
    });
    const title = coreTitle(partText(files, 'docProps/core.xml'));
    // Document number, revision, date and classification are printed in running headers and footers.
    const facts = printedFacts(runningTexts(files));
    const pictures = await withPictureText(w.out, w.pictures, { bytes, uri: source.uri, limits }, deps);
    const metadata: DocumentMetadata = {
      ...facts,
      ...(title === undefined ? {} : { title }),
      ...pictures.metadata,
    };
    return { source, metadata, blocks: buildBlocks(pictures.drafts) };
  };
}

export const parseDocx: Parser = docxParser();

/** Without OCR of the text in pictures (`musubi refine --ocr scans|off`). */
export const parseDocxWithoutPictureText: Parser = docxParser(defaultZipLimits, { imageOcr: null });

/** Body-level paragraphs and tables in order; content controls and custom XML are unwrapped. */
function bodyElements(node: DomElement): DomElement[] {
  return elementChildren(node).flatMap((c) => {
    if (c.name === 'w:p' || c.name === 'w:tbl') return [c];
    if (c.name === 'w:sdt') return bodyElements(firstChild(c, 'w:sdtContent') ?? c);
    if (c.name === 'w:customXml') return bodyElements(c);
    return [];
  });
}

function paragraph(p: DomElement, index: number, w: Walk): void {
  const text = paragraphText(p).trim();
  const location = { paragraph: index };
  const pPr = firstChild(p, 'w:pPr');
  if (text !== '') {
    const level = headingLevel(w.styles, childValue(pPr, 'w:pStyle'), childValue(pPr, 'w:outlineLvl'));
    const numbering = numberingOf(pPr, w.styles);
    if (level !== undefined) {
      w.classifier.heading(text);
      w.inProcedure = isProcedureTitle(text);
      w.out.push({ kind: 'heading', level, text, location });
    } else if (numbering !== undefined) {
      w.out.push(listParagraph(numbering, text, index, w));
    } else {
      const draft = w.classifier.block(text, location);
      if (draft.kind === 'heading') w.inProcedure = isProcedureTitle(text);
      w.out.push(draft);
    }
  }
  for (const box of textBoxes(p)) {
    for (const inner of findAll(box, 'w:p')) {
      const t = paragraphText(inner).trim();
      if (t !== '') w.out.push(w.classifier.block(t, location));
    }
  }
  // A picture's text follows its paragraph; mc:Choice and mc:Fallback name the same picture twice.
  const seen = new Set<string>();
  for (const blip of findAll(p, 'a:blip')) {
    const path = w.targets.get(blip.attribs['r:embed'] ?? '');
    if (path === undefined || seen.has(path)) continue;
    seen.add(path);
    w.pictures.push({ at: w.out.length, path, location });
  }
}

/** Direct numbering (w:numPr) wins over the style's; numId 0 switches numbering off. */
function numberingOf(
  pPr: DomElement | undefined,
  styles: Styles,
): { numId: string; ilvl: number } | undefined {
  const numPr = pPr === undefined ? undefined : firstChild(pPr, 'w:numPr');
  const styled = styleNumbering(styles, childValue(pPr, 'w:pStyle'));
  const numId = childValue(numPr, 'w:numId') ?? styled?.numId;
  if (numId === undefined || numId === '0') return undefined;
  const ilvl = childValue(numPr, 'w:ilvl');
  return { numId, ilvl: ilvl === undefined ? (styled?.ilvl ?? 0) : Number.parseInt(ilvl, 10) };
}

function listParagraph(
  numbering: { numId: string; ilvl: number },
  text: string,
  index: number,
  w: Walk,
): BlockDraft {
  const { numId, ilvl } = numbering;
  const m = nextMarker(w.numbering, w.counters, numId, ilvl);
  const location = { paragraph: index };
  if (m === undefined) return w.classifier.block(text, location);
  // Decimal lists are steps only under a procedure heading; ①, ⑴ and 手順N formats are steps anywhere.
  const stepMarker = m.stepFormat || /^(手順|ステップ|step)/i.test(m.marker);
  if (m.ordered && ilvl === 0 && (w.inProcedure || stepMarker)) {
    return { kind: 'step', number: m.number, marker: m.marker, text, location };
  }
  return { kind: 'list-item', depth: ilvl, ordered: m.ordered, text, location };
}

/** The visible text of a paragraph: runs, tabs and breaks; ruby readings, deletions and fields' codes left out. */
export function paragraphText(node: DomNode): string {
  if (!isElement(node)) return '';
  switch (node.name) {
    case 'w:t':
      return node.children.map((c) => ('data' in c ? c.data : '')).join('');
    case 'w:r': {
      // A run set in Symbol or Wingdings holds the font's codes: 「m」 shows μ.
      const text = node.children.map(paragraphText).join('');
      const fonts = firstChild(firstChild(node, 'w:rPr') ?? node, 'w:rFonts');
      const font = fonts?.attribs['w:ascii'] ?? fonts?.attribs['w:hAnsi'];
      return font === undefined ? text : fromSymbolFont(text, font, true);
    }
    case 'w:sym': {
      // An inserted symbol: its font and its code (F0B1, or B1), as Word's Insert Symbol writes them.
      const code = Number.parseInt(node.attribs['w:char'] ?? '', 16);
      if (!Number.isFinite(code)) return '';
      const text = fromSymbolFont(String.fromCharCode(0xf000 | (code & 0xff)), node.attribs['w:font'] ?? '');
      if (!/[\uf000-\uf0ff]/.test(text)) return text;
      // In any other font the code is the character's own.
      return code >= 0x20 && code < 0xf000 ? String.fromCodePoint(code) : '';
    }
    case 'w:tab':
    case 'w:ptab':
      return '\t';
    case 'w:br':
    case 'w:cr':
      return '\n';
    case 'w:noBreakHyphen':
      return '-';
    case 'w:ruby': {
      const base = firstChild(node, 'w:rubyBase');
      return base === undefined ? '' : paragraphText(base);
    }
    case 'w:rt': // ruby text, when it appears outside w:ruby
    case 'w:del':
    case 'w:delText':
    case 'w:instrText':
    case 'w:pPr':
    case 'w:rPr':
    case 'w:drawing':
    case 'w:pict':
    case 'mc:AlternateContent':
    case 'w:footnoteReference':
    case 'w:endnoteReference':
      return node.attribs[markAttribute] ?? '';
    case 'w:commentReference':
      return '';
    default:
      return node.children.map(paragraphText).join('');
  }
}

// Text boxes: from mc:Choice when both renderings are present (Fallback repeats the same text).
function textBoxes(node: DomElement): DomElement[] {
  return elementChildren(node).flatMap((c) => {
    if (c.name === 'w:txbxContent') return [c];
    if (c.name === 'mc:AlternateContent') {
      const choice = firstChild(c, 'mc:Choice') ?? firstChild(c, 'mc:Fallback');
      return choice === undefined ? [] : findAll(choice, 'w:txbxContent');
    }
    return textBoxes(c);
  });
}

/**
 * Manuals draw cautions and notes as one-row boxes: a single cell, or a signal-word cell (⚠ 注意) beside
 * the text. Those are text, not data tables.
 */
function boxOrTable(draft: BlockDraft, classifier: TextClassifier): BlockDraft {
  if (draft.kind !== 'table' || draft.rows.length !== 1) return draft;
  const cells = draft.rows[0]!.filter((c) => c.text !== '');
  if (cells.length === 1) return classifier.block(cells[0]!.text, draft.location);
  if (cells.length !== 2) return draft;
  const signal = classifyLine(cells[0]!.text);
  if (signal?.kind !== 'caution' || signal.text !== '') return draft;
  return {
    kind: 'caution',
    level: signal.level,
    label: signal.label,
    text: `${cells[0]!.text}\n${cells[1]!.text}`,
    location: draft.location,
  };
}

interface MutableCell {
  text: string;
  rowSpan?: number;
  colSpan?: number;
}

function table(tbl: DomElement, index: number): BlockDraft {
  const open = new Map<number, MutableCell>(); // column → anchor of a running vertical merge
  let declaredHeader = 0;
  const rows: MutableCell[][] = [];
  for (const tr of elementChildren(tbl, 'w:tr')) {
    const trPr = firstChild(tr, 'w:trPr');
    if (trPr !== undefined && firstChild(trPr, 'w:tblHeader') !== undefined && declaredHeader === rows.length)
      declaredHeader++;
    let col = Number.parseInt(childValue(trPr, 'w:gridBefore') ?? '0', 10);
    const row: MutableCell[] = [];
    for (const tc of cellsOf(tr)) {
      const tcPr = firstChild(tc, 'w:tcPr');
      const span = Number.parseInt(childValue(tcPr, 'w:gridSpan') ?? '1', 10) || 1;
      const vMerge = tcPr === undefined ? undefined : firstChild(tcPr, 'w:vMerge');
      const anchor = open.get(col);
      if (vMerge !== undefined && vMerge.attribs['w:val'] !== 'restart' && anchor !== undefined) {
        anchor.rowSpan = (anchor.rowSpan ?? 1) + 1;
      } else {
        const cell: MutableCell = { text: cellText(tc), ...(span > 1 ? { colSpan: span } : {}) };
        row.push(cell);
        if (vMerge?.attribs['w:val'] === 'restart') open.set(col, cell);
        else open.delete(col);
      }
      col += span;
    }
    rows.push(row);
  }
  const cells: TableCell[][] = rows.map((r) => r.map((c) => ({ ...c })));
  const headerRows = declaredHeader > 0 ? declaredHeader : detectHeaderRows(cells);
  const marked = markHeaderRows(cells, headerRows);
  return {
    kind: 'table',
    rows: marked,
    headerRows,
    headerColumns: 0,
    text: tableText(marked),
    location: { paragraph: index },
  };
}

function cellsOf(tr: DomElement): DomElement[] {
  return elementChildren(tr).flatMap((c) => {
    if (c.name === 'w:tc') return [c];
    if (c.name === 'w:sdt') return elementChildren(firstChild(c, 'w:sdtContent') ?? c, 'w:tc');
    return [];
  });
}

function cellText(tc: DomElement): string {
  return findAll(tc, 'w:p')
    .map((p) => paragraphText(p).trim())
    .filter((t) => t !== '')
    .join('\n');
}

function runningTexts(files: ReadonlyMap<string, Uint8Array>): string[] {
  return [...files.keys()]
    .filter((name) => runningParts.test(name))
    .sort()
    .flatMap((name) =>
      findAll(parseXml(partText(files, name) ?? ''), 'w:p').map((p) => paragraphText(p).trim()),
    )
    .filter((t) => t !== '');
}

function coreTitle(xml: string | undefined): string | undefined {
  if (xml === undefined) return undefined;
  const title = findFirst(parseXml(xml), 'dc:title');
  const text = title?.children
    .map((c) => ('data' in c ? c.data : ''))
    .join('')
    .trim();
  return text === '' ? undefined : text;
}
