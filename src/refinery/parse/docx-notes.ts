/**
 * Footnotes and endnotes of a DOCX (word/footnotes.xml, word/endnotes.xml): a specification's qualifications
 * often sit there (「定格回転数における値」). The reference keeps its mark in the text ([1] for footnotes, [i] for
 * endnotes, numbered in reading order as Word numbers them by default; a custom mark such as ※ is already in
 * the text), and the note follows the paragraph or table that refers to it as a paragraph of its own, so it is
 * chunked and found with what it qualifies rather than at the end of the document.
 */
import type { BlockDraft } from '../structure/index.js';
import { type DomElement, type DomNode, elementChildren, findAll, parseXml } from './xml.js';

export type NoteKind = 'footnote' | 'endnote';

/** The notes of one kind, id → text; separators (w:type) left out. */
export function readNotes(
  xml: string | undefined,
  kind: NoteKind,
  textOf: (node: DomNode) => string,
): Map<string, string> {
  const notes = new Map<string, string>();
  if (xml === undefined) return notes;
  for (const note of findAll(parseXml(xml), `w:${kind}`)) {
    if (note.attribs['w:type'] !== undefined) continue;
    const text = elementChildren(note, 'w:p')
      .map((p) => textOf(p).trim())
      .filter((t) => t !== '')
      .join('\n');
    if (text !== '') notes.set(note.attribs['w:id'] ?? '', text);
  }
  return notes;
}

/** Where a reference's mark is written for the text reader (`paragraphText` reads it back). */
export const markAttribute = 'musubi:mark';

/**
 * Writes each reference's mark onto its element, numbering footnotes 1, 2, 3 and endnotes i, ii, iii in
 * reading order; a reference followed by its own custom mark (w:customMarkFollows) takes no number.
 */
export function markReferences(
  body: DomElement,
  notes: Readonly<Record<NoteKind, ReadonlyMap<string, string>>>,
): void {
  for (const kind of ['footnote', 'endnote'] as const) {
    let n = 0;
    for (const ref of findAll(body, `w:${kind}Reference`)) {
      if (!notes[kind].has(ref.attribs['w:id'] ?? '')) continue;
      const custom = ['1', 'true', 'on'].includes(ref.attribs['w:customMarkFollows'] ?? '');
      ref.attribs[markAttribute] = custom ? '' : `[${kind === 'footnote' ? String(++n) : roman(++n)}]`;
    }
  }
}

/** The notes an element refers to, as paragraphs at its location: 「[1] 定格回転数における値。」. */
export function noteDrafts(
  element: DomElement,
  notes: Readonly<Record<NoteKind, ReadonlyMap<string, string>>>,
  location: BlockDraft['location'],
): BlockDraft[] {
  return (['footnote', 'endnote'] as const).flatMap((kind) =>
    findAll(element, `w:${kind}Reference`).flatMap((ref): BlockDraft[] => {
      const text = notes[kind].get(ref.attribs['w:id'] ?? '');
      if (text === undefined) return [];
      const mark = ref.attribs[markAttribute] ?? '';
      return [{ kind: 'paragraph', text: mark === '' ? text : `${mark} ${text}`, location }];
    }),
  );
}

function roman(n: number): string {
  const numerals: [number, string][] = [
    [1000, 'm'],
    [900, 'cm'],
    [500, 'd'],
    [400, 'cd'],
    [100, 'c'],
    [90, 'xc'],
    [50, 'l'],
    [40, 'xl'],
    [10, 'x'],
    [9, 'ix'],
    [5, 'v'],
    [4, 'iv'],
    [1, 'i'],
  ];
  let out = '';
  let left = n;
  for (const [value, letters] of numerals) {
    while (left >= value) {
      out += letters;
      left -= value;
    }
  }
  return out;
}
