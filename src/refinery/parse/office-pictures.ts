/**
 * Text inside the pictures of DOCX and PPTX files: a screenshot in a manual, a scanned form or a chart
 * pasted into a slide. The parsers note where each picture sits; its text, read by OCR and cleaned as a PDF
 * figure's is, becomes a figure block there. OCR is a dependency: `null` turns it off, left out tesseract is
 * used when installed. Best effort: a picture that cannot be read is left out, and the reason kept.
 */
import type { Location } from '../document/index.js';
import type { BlockDraft } from '../structure/index.js';
import { checkZipLimits, listZip, readZip, type ZipLimits } from './archive.js';
import { figureLines } from './pdf/figure-words.js';
import { type ImageOcr, systemImageOcr } from './pdf/ocr.js';
import { findAll, parseXml } from './xml.js';

export interface PictureDeps {
  /** Reads the text in pictures; `null` turns it off, left out tesseract is used when installed. */
  readonly imageOcr?: ImageOcr | null;
}

/** A picture in the package: the draft it comes before, its part and where it is in the document. */
export interface PicturePlace {
  readonly at: number;
  readonly path: string;
  readonly location: Location;
}

/** Smaller than this (pixels), a picture is an icon, a logo or a bullet, not text worth reading. */
export const pictureMinimum = { width: 120, height: 40, pixels: 30_000 };
/** Pictures read per document, at most: the rest are counted in `metadata.picturesNotRead`. */
const maxPictures = 100;

let detected: Promise<ImageOcr | undefined> | undefined;

/**
 * The drafts with a figure for every picture whose text OCR read, placed before the draft it was noted at,
 * and what to add to the document's metadata.
 */
export async function withPictureText(
  drafts: readonly BlockDraft[],
  places: readonly PicturePlace[],
  pkg: { readonly bytes: Uint8Array; readonly uri: string; readonly limits: ZipLimits },
  deps: PictureDeps,
): Promise<{ drafts: BlockDraft[]; metadata: Record<string, unknown> }> {
  if (places.length === 0 || deps.imageOcr === null) return { drafts: [...drafts], metadata: {} };
  detected ??= systemImageOcr();
  const ocr = deps.imageOcr ?? (await detected);
  if (ocr === undefined) return { drafts: [...drafts], metadata: {} };
  let error: string | undefined;
  // Each picture is checked against the zip limits on its own: one too large (a blank bitmap compresses
  // far past the ratio allowed) is left out with the reason, and the document still parses.
  const wanted = new Set(places.map((p) => p.path));
  const readable = new Set<string>();
  let total = 0;
  for (const entry of listZip(pkg.bytes, pkg.uri).filter((e) => wanted.has(e.name))) {
    try {
      checkZipLimits([entry], pkg.uri, pkg.limits);
      if (total + entry.bytes > pkg.limits.maxTotalBytes) continue;
      total += entry.bytes;
      readable.add(entry.name);
    } catch (e) {
      error ??= e instanceof Error ? e.message : String(e);
    }
  }
  const files = readZip(pkg.bytes, pkg.uri, (name) => readable.has(name), pkg.limits);
  const figures = new Map<number, BlockDraft[]>();
  let read = 0;
  let notRead = 0;
  for (const place of places) {
    const picture = files.get(place.path);
    const size = picture === undefined ? undefined : pictureSize(picture);
    if (picture === undefined || size === undefined || !readableSize(size)) continue;
    if (read >= maxPictures) {
      notRead++;
      continue;
    }
    read++;
    try {
      const lines = figureLines(await ocr(picture));
      if (lines.length === 0) continue;
      const figure: BlockDraft = {
        kind: 'figure',
        text: lines.map((l) => l.text).join('\n'),
        location: place.location,
      };
      figures.set(place.at, [...(figures.get(place.at) ?? []), figure]);
    } catch (e) {
      error ??= e instanceof Error ? e.message.split('\n')[0]! : String(e);
    }
  }
  const out = drafts.flatMap((d, i) => [...(figures.get(i) ?? []), d]);
  out.push(...(figures.get(drafts.length) ?? []));
  const withText = [...figures.values()].reduce((n, f) => n + f.length, 0);
  return {
    drafts: out,
    metadata: {
      ...(withText > 0 ? { pictureTextCount: withText } : {}),
      ...(notRead > 0 ? { picturesNotRead: notRead } : {}),
      ...(error === undefined ? {} : { figureOcrError: error }),
    },
  };
}

/** Large enough to hold text, and not so large that reading it would take minutes (a poster scan). */
function readableSize(size: { readonly width: number; readonly height: number }): boolean {
  const m = pictureMinimum;
  const pixels = size.width * size.height;
  return size.width >= m.width && size.height >= m.height && pixels >= m.pixels && pixels <= maxPixels;
}

/** 40 megapixels: an A3 page scanned at 600 dpi. */
const maxPixels = 40_000_000;

/** Width and height in pixels from a PNG, JPEG, GIF or BMP header; undefined for anything else (EMF, SVG …). */
export function pictureSize(b: Uint8Array): { width: number; height: number } | undefined {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (b.length >= 24 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47)
    return { width: view.getUint32(16), height: view.getUint32(20) };
  if (b.length >= 10 && b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46)
    return { width: view.getUint16(6, true), height: view.getUint16(8, true) };
  if (b.length >= 26 && b[0] === 0x42 && b[1] === 0x4d)
    return { width: Math.abs(view.getInt32(18, true)), height: Math.abs(view.getInt32(22, true)) };
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) {
    // JPEG: walk the segments to the frame header (SOF0–SOF15 but DHT, JPG and DAC).
    for (let i = 2; i + 9 < b.length; ) {
      if (b[i] !== 0xff) return undefined;
      const marker = b[i + 1]!;
      if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
        i += 2;
        continue;
      }
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)
        return { width: view.getUint16(i + 7), height: view.getUint16(i + 5) };
      i += 2 + view.getUint16(i + 2);
    }
  }
  return undefined;
}

/** A part's relationships: id → the target's path in the package, resolved against the part's folder. */
export function relationshipTargets(rels: string | undefined, folder: string): Map<string, string> {
  const out = new Map<string, string>();
  if (rels === undefined) return out;
  for (const rel of findAll(parseXml(rels), 'Relationship')) {
    if (rel.attribs.TargetMode === 'External') continue;
    const id = rel.attribs.Id;
    const target = rel.attribs.Target;
    if (id !== undefined && target !== undefined) out.set(id, resolvePath(folder, target));
  }
  return out;
}

// "../media/image1.png" relative to "ppt/slides" → "ppt/media/image1.png".
export function resolvePath(base: string, target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  const parts = base.split('/');
  for (const segment of target.split('/')) {
    if (segment === '..') parts.pop();
    else if (segment !== '.') parts.push(segment);
  }
  return parts.join('/');
}
