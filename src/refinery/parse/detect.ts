/**
 * Which parser a file needs, from its magic bytes first and its extension second: a zip is told apart as
 * DOCX/XLSX/PPTX by the parts it holds; an OLE2 container is a legacy .doc/.xls/.ppt (or an encrypted
 * OOXML file); other content must decode as text.
 */
import { listZip } from './archive.js';
import { decodeText } from './encoding.js';
import { CorruptFile, EmptyFile, UnsupportedFormat } from './errors.js';

export type Format =
  | 'pdf'
  | 'docx'
  | 'xlsx'
  | 'pptx'
  | 'html'
  | 'markdown'
  | 'csv'
  | 'tsv'
  | 'text'
  | 'doc'
  | 'xls'
  | 'ppt';

export const formats: readonly Format[] = [
  'pdf',
  'docx',
  'xlsx',
  'pptx',
  'html',
  'markdown',
  'csv',
  'tsv',
  'text',
  'doc',
  'xls',
  'ppt',
];

const textExtensions: Readonly<Record<string, Format>> = {
  md: 'markdown',
  markdown: 'markdown',
  mdown: 'markdown',
  html: 'html',
  htm: 'html',
  xhtml: 'html',
  csv: 'csv',
  tsv: 'tsv',
  tab: 'tsv',
  txt: 'text',
  text: 'text',
  log: 'text',
};
const zipExtensions = new Set(['docx', 'docm', 'xlsx', 'xlsm', 'pptx', 'pptm']);
const legacyExtensions: Readonly<Record<string, Format>> = { doc: 'doc', xls: 'xls', ppt: 'ppt' };

const binaryMagic: readonly (readonly [string, readonly number[]])[] = [
  ['PNG image', [0x89, 0x50, 0x4e, 0x47]],
  ['JPEG image', [0xff, 0xd8, 0xff]],
  ['GIF image', [0x47, 0x49, 0x46, 0x38]],
  ['TIFF image', [0x49, 0x49, 0x2a, 0x00]],
  ['TIFF image', [0x4d, 0x4d, 0x00, 0x2a]],
  ['RTF document', [0x7b, 0x5c, 0x72, 0x74, 0x66]],
  ['gzip archive', [0x1f, 0x8b]],
  ['7-Zip archive', [0x37, 0x7a, 0xbc, 0xaf]],
];

export function extensionOf(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot + 1).toLowerCase();
}

/** The format of a file, or `parse.empty` / `parse.corrupt` / `parse.unsupported`. */
export function detectFormat(bytes: Uint8Array, fileName: string): Format {
  if (bytes.length === 0) throw new EmptyFile(fileName);
  const ext = extensionOf(fileName);
  if (
    startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d]) ||
    indexOfAscii(bytes.subarray(0, 1024), '%PDF-') >= 0
  )
    return 'pdf';
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06]))
    return zipFormat(bytes, fileName);
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return oleFormat(ext, fileName);
  const binary = binaryMagic.find(([, magic]) => startsWith(bytes, magic));
  if (binary !== undefined)
    throw new UnsupportedFormat(`unsupported format: ${fileName} is a ${binary[0]}`, { fileName });
  if (ext === 'pdf' || zipExtensions.has(ext)) throw new CorruptFile(fileName, `not a valid .${ext} file`);
  const known = textExtensions[ext];
  if (known !== undefined) return known;
  try {
    const { text } = decodeText(bytes.subarray(0, 64 * 1024), fileName);
    return /^\s*(<!doctype html|<html[\s>])/i.test(text) ? 'html' : 'text';
  } catch {
    // Truncating the sample may cut a multi-byte character; decode everything before giving up.
    try {
      decodeText(bytes, fileName);
      return 'text';
    } catch {
      throw new UnsupportedFormat(`unsupported format: ${fileName} is neither a known document nor text`, {
        fileName,
      });
    }
  }
}

function zipFormat(bytes: Uint8Array, fileName: string): Format {
  const names = new Set(listZip(bytes, fileName).map((e) => e.name));
  if (names.has('word/document.xml')) return 'docx';
  if (names.has('xl/workbook.xml')) return 'xlsx';
  if (names.has('ppt/presentation.xml')) return 'pptx';
  if (names.has('content.xml') && names.has('mimetype')) {
    throw new UnsupportedFormat(
      `unsupported format: ${fileName} is an OpenDocument file — save it as .docx/.xlsx/.pptx`,
      { fileName },
    );
  }
  throw new UnsupportedFormat(`unsupported format: ${fileName} is a zip archive, not an Office document`, {
    fileName,
  });
}

function oleFormat(ext: string, fileName: string): Format {
  const legacy = legacyExtensions[ext];
  if (legacy !== undefined) return legacy;
  if (zipExtensions.has(ext)) {
    throw new UnsupportedFormat(
      `unsupported format: ${fileName} is password-protected — remove the password and try again`,
      {
        fileName,
      },
    );
  }
  throw new UnsupportedFormat(`unsupported format: ${fileName} is a legacy Office file of unknown kind`, {
    fileName,
  });
}

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return magic.every((b, i) => bytes[i] === b);
}

function indexOfAscii(bytes: Uint8Array, s: string): number {
  outer: for (let i = 0; i + s.length <= bytes.length; i++) {
    for (let j = 0; j < s.length; j++) if (bytes[i + j] !== s.charCodeAt(j)) continue outer;
    return i;
  }
  return -1;
}
