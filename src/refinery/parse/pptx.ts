/**
 * PPTX from its OOXML: slides in presentation order (ppt/presentation.xml → relationships), each slide a
 * section whose title placeholder is its heading; body text as list items (bullets by placeholder default,
 * a:buAutoNum as ordered, a:buNone as paragraphs), tables with gridSpan/rowSpan merges, pictures' text read
 * by OCR as figures in the picture's place, then the slide's speaker notes as paragraphs. Location: page =
 * slide number.
 */
import type { Location, Parser, TableCell } from '../document/index.js';
import {
  type BlockDraft,
  buildBlocks,
  classifyLine,
  createTextClassifier,
  type TextClassifier,
  tableText,
} from '../structure/index.js';
import { defaultZipLimits, partText, readZip, type ZipLimits } from './archive.js';
import { CorruptFile } from './errors.js';
import {
  type PictureDeps,
  type PicturePlace,
  relationshipTargets,
  resolvePath,
  withPictureText,
} from './office-pictures.js';
import { fromSymbolFont } from './symbol-fonts.js';
import { type DomElement, elementChildren, findAll, findFirst, firstChild, parseXml } from './xml.js';

/** A PPTX parser with the given zip limits; text in pictures is read when OCR is at hand (see `deps`). */
export function pptxParser(limits: ZipLimits = defaultZipLimits, deps: PictureDeps = {}): Parser {
  return async (bytes, source) => {
    const wanted = (name: string): boolean =>
      name === 'ppt/presentation.xml' ||
      name === 'ppt/_rels/presentation.xml.rels' ||
      /^ppt\/slides\/(_rels\/)?slide\d+\.xml(\.rels)?$/.test(name) ||
      /^ppt\/notesSlides\/notesSlide\d+\.xml$/.test(name);
    const files = readZip(bytes, source.uri, wanted, limits);
    const order = slideOrder(
      partText(files, 'ppt/presentation.xml'),
      partText(files, 'ppt/_rels/presentation.xml.rels'),
    );
    if (order === undefined) throw new CorruptFile(source.uri, 'ppt/presentation.xml is missing');
    const classifier = createTextClassifier({ headings: false });
    const drafts: BlockDraft[] = [];
    const pictures: PicturePlace[] = [];
    order.forEach((path, i) => {
      const xml = partText(files, path);
      if (xml === undefined) return;
      const slash = path.lastIndexOf('/');
      const rels = partText(files, `${path.slice(0, slash)}/_rels/${path.slice(slash + 1)}.rels`);
      const slide = slideDrafts(xml, i + 1, classifier, relationshipTargets(rels, path.slice(0, slash)));
      pictures.push(...slide.pictures.map((p) => ({ ...p, at: p.at + drafts.length })));
      drafts.push(...slide.drafts, ...notesDrafts(files, path, i + 1, classifier));
    });
    const read = await withPictureText(drafts, pictures, { bytes, uri: source.uri, limits }, deps);
    return {
      source,
      metadata: { pages: order.length, ...read.metadata },
      blocks: buildBlocks(read.drafts),
    };
  };
}

export const parsePptx: Parser = pptxParser();

/** Without OCR of the text in pictures (`musubi refine --ocr scans|off`). */
export const parsePptxWithoutPictureText: Parser = pptxParser(defaultZipLimits, { imageOcr: null });

/** Speaker notes carry the explanation a slide leaves out: their paragraphs follow the slide's content. */
function notesDrafts(
  files: ReadonlyMap<string, Uint8Array>,
  slidePath: string,
  page: number,
  classifier: TextClassifier,
): BlockDraft[] {
  const slash = slidePath.lastIndexOf('/');
  const rels = partText(files, `${slidePath.slice(0, slash)}/_rels/${slidePath.slice(slash + 1)}.rels`);
  const rel =
    rels === undefined
      ? undefined
      : findAll(parseXml(rels), 'Relationship').find((r) => /\/notesSlide$/.test(r.attribs.Type ?? ''));
  const target = rel?.attribs.Target;
  if (target === undefined) return [];
  const xml = partText(files, resolvePath(slidePath.slice(0, slash), target));
  const tree = xml === undefined ? undefined : findFirst(parseXml(xml), 'p:spTree');
  if (tree === undefined) return [];
  const location: Location = { page };
  return flattenShapes(tree)
    .filter((shape) => placeholder(shape) === 'body')
    .flatMap((shape) => shapeParagraphs(shape).map((p) => classifier.block(p.text, location)));
}

function slideOrder(presentation: string | undefined, rels: string | undefined): string[] | undefined {
  if (presentation === undefined) return undefined;
  const targets = new Map<string, string>();
  for (const rel of rels === undefined ? [] : findAll(parseXml(rels), 'Relationship')) {
    const target = rel.attribs.Target ?? '';
    targets.set(rel.attribs.Id ?? '', target.startsWith('/') ? target.slice(1) : `ppt/${target}`);
  }
  return findAll(parseXml(presentation), 'p:sldId').flatMap((s) => {
    const path = targets.get(s.attribs['r:id'] ?? '');
    return path === undefined ? [] : [path];
  });
}

function slideDrafts(
  xml: string,
  page: number,
  classifier: TextClassifier,
  targets: ReadonlyMap<string, string>,
): { drafts: BlockDraft[]; pictures: PicturePlace[] } {
  const tree = findFirst(parseXml(xml), 'p:spTree');
  if (tree === undefined) return { drafts: [], pictures: [] };
  const location: Location = { page };
  const shapes = flattenShapes(tree);
  const titleShape = shapes.find((s) => /^(title|ctrTitle)$/.test(placeholder(s) ?? ''));
  const title =
    titleShape === undefined
      ? `Slide ${page}`
      : shapeParagraphs(titleShape)
          .map((p) => p.text)
          .join(' ');
  classifier.heading(title);
  const drafts: BlockDraft[] = [{ kind: 'heading', level: 1, text: title, location }];
  const pictures: PicturePlace[] = [];
  for (const shape of shapes) {
    if (shape === titleShape) continue;
    if (shape.name === 'p:pic') {
      const path = targets.get(findFirst(shape, 'a:blip')?.attribs['r:embed'] ?? '');
      if (path !== undefined) pictures.push({ at: drafts.length, path, location });
      continue;
    }
    if (shape.name === 'p:graphicFrame') {
      const tbl = findFirst(shape, 'a:tbl');
      if (tbl !== undefined) drafts.push(table(tbl, location));
      continue;
    }
    drafts.push(...textDrafts(shape, location, classifier));
  }
  return { drafts, pictures };
}

// Shapes in z-order, group shapes unwrapped.
function flattenShapes(tree: DomElement): DomElement[] {
  return elementChildren(tree).flatMap((c) => {
    if (c.name === 'p:grpSp') return flattenShapes(c);
    return c.name === 'p:sp' || c.name === 'p:graphicFrame' || c.name === 'p:pic' ? [c] : [];
  });
}

function placeholder(shape: DomElement): string | undefined {
  const ph = findFirst(firstChild(shape, 'p:nvSpPr') ?? shape, 'p:ph');
  if (ph === undefined) return undefined;
  return ph.attribs.type ?? 'body';
}

interface SlideParagraph {
  readonly text: string;
  readonly level: number;
  readonly bullet: 'none' | 'bullet' | 'number' | 'default';
  /** a:buAutoNum's scheme, e.g. circleNumDbPlain, arabicPeriod, arabicParenBoth. */
  readonly scheme?: string;
}

/** The marker PowerPoint draws for an auto-number scheme. */
function autoNumMarker(n: number, scheme: string | undefined): string {
  if (scheme?.startsWith('circleNum') && n >= 1 && n <= 20) return String.fromCodePoint(0x2460 + n - 1);
  if (scheme?.endsWith('ParenBoth')) return `(${n})`;
  if (scheme?.endsWith('ParenR')) return `${n})`;
  return `${n}.`;
}

function shapeParagraphs(shape: DomElement): SlideParagraph[] {
  const body = firstChild(shape, 'p:txBody');
  if (body === undefined) return [];
  return elementChildren(body, 'a:p').flatMap((p) => {
    const text = runsText(p).trim();
    if (text === '') return [];
    const pPr = firstChild(p, 'a:pPr');
    const bullet =
      pPr === undefined
        ? 'default'
        : firstChild(pPr, 'a:buNone') !== undefined
          ? 'none'
          : firstChild(pPr, 'a:buAutoNum') !== undefined
            ? 'number'
            : firstChild(pPr, 'a:buChar') !== undefined
              ? 'bullet'
              : 'default';
    const scheme = pPr === undefined ? undefined : firstChild(pPr, 'a:buAutoNum')?.attribs.type;
    return [
      {
        text,
        level: Number.parseInt(pPr?.attribs.lvl ?? '0', 10) || 0,
        bullet,
        ...(scheme ? { scheme } : {}),
      },
    ];
  });
}

function runsText(p: DomElement): string {
  return elementChildren(p)
    .map((c) => {
      if (c.name === 'a:br') return '\n';
      if (c.name === 'a:r' || c.name === 'a:fld') {
        const text =
          firstChild(c, 'a:t')
            ?.children.map((t) => ('data' in t ? t.data : ''))
            .join('') ?? '';
        // A run set in Symbol or Wingdings (a:sym, or a:latin) holds the font's codes: 「m」 shows μ.
        const rPr = firstChild(c, 'a:rPr');
        const font = rPr && (firstChild(rPr, 'a:sym') ?? firstChild(rPr, 'a:latin'))?.attribs.typeface;
        return font ? fromSymbolFont(text, font, true) : text;
      }
      return '';
    })
    .join('');
}

function textDrafts(shape: DomElement, location: Location, classifier: TextClassifier): BlockDraft[] {
  const ph = placeholder(shape);
  // Body placeholders show bullets by default; free text boxes do not.
  const bulletsByDefault = ph === 'body' || ph === 'obj';
  const counters: number[] = [];
  return shapeParagraphs(shape).map((p): BlockDraft => {
    const c = classifyLine(p.text);
    if (c?.kind === 'step' || c?.kind === 'caution') return classifier.block(p.text, location);
    if (p.bullet === 'number') {
      counters[p.level] = (counters[p.level] ?? 0) + 1;
      counters.length = p.level + 1;
      const number = counters[p.level]!;
      if (p.level === 0)
        return { kind: 'step', number, marker: autoNumMarker(number, p.scheme), text: p.text, location };
      return { kind: 'list-item', depth: p.level, ordered: true, text: p.text, location };
    }
    if (p.bullet === 'bullet' || (p.bullet === 'default' && bulletsByDefault)) {
      return { kind: 'list-item', depth: p.level, ordered: false, text: p.text, location };
    }
    return classifier.block(p.text, location);
  });
}

function table(tbl: DomElement, location: Location): BlockDraft {
  const rows: TableCell[][] = elementChildren(tbl, 'a:tr').map((tr) =>
    elementChildren(tr, 'a:tc')
      .filter((tc) => tc.attribs.hMerge !== '1' && tc.attribs.vMerge !== '1')
      .map((tc) => {
        const rowSpan = Number.parseInt(tc.attribs.rowSpan ?? '1', 10) || 1;
        const colSpan = Number.parseInt(tc.attribs.gridSpan ?? '1', 10) || 1;
        const text = findAll(tc, 'a:p')
          .map((p) => runsText(p).trim())
          .filter((t) => t !== '')
          .join('\n');
        return { text, ...(rowSpan > 1 ? { rowSpan } : {}), ...(colSpan > 1 ? { colSpan } : {}) };
      }),
  );
  const tblPr = firstChild(tbl, 'a:tblPr');
  const firstRow = tblPr?.attribs.firstRow === '1' && rows.length > 1;
  const headerRows = firstRow
    ? Math.min(Math.max(...rows[0]!.map((c) => c.rowSpan ?? 1)), rows.length - 1)
    : 0;
  const headerColumns = tblPr?.attribs.firstCol === '1' ? 1 : 0;
  const marked = rows.map((r, i) =>
    r.map((c, j) => (i < headerRows || (headerColumns > 0 && j === 0) ? { ...c, header: true } : c)),
  );
  return { kind: 'table', rows: marked, headerRows, headerColumns, text: tableText(marked), location };
}
