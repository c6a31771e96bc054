import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import {
  detectFormat,
  docxParser,
  findSoffice,
  parseBytes,
  parserFor,
  readZip,
  sourceInfoFor,
} from '../../src/refinery/parse/index.js';
import { fixtureBytes, outline } from './fixture.js';

const ole = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]);
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('detectFormat', () => {
  it.each([
    ['procedure.docx', 'docx'],
    ['merged.xlsx', 'xlsx'],
    ['small.pptx', 'pptx'],
    ['procedure.md', 'markdown'],
    ['procedure.html', 'html'],
    ['procedure.txt', 'text'],
    ['parts-sjis.csv', 'csv'],
    ['inspection-utf16le.tsv', 'tsv'],
  ])('detects %s as %s', (name, format) => {
    expect(detectFormat(fixtureBytes(name), name)).toBe(format);
  });

  it('tells OOXML kinds apart by content even under a wrong extension', () => {
    expect(detectFormat(fixtureBytes('merged.xlsx'), 'report.docx')).toBe('xlsx');
  });

  it('detects PDF by magic bytes and sniffs HTML or text without a known extension', () => {
    expect(detectFormat(utf8('%PDF-1.7\n...'), 'scan')).toBe('pdf');
    expect(detectFormat(utf8('<!DOCTYPE html><p>手順</p>'), 'page')).toBe('html');
    expect(detectFormat(utf8('①電源を切る。'), 'README')).toBe('text');
  });

  it('maps OLE2 containers to legacy formats by extension', () => {
    expect(detectFormat(ole, '手順書.doc')).toBe('doc');
    expect(detectFormat(ole, 'BOM.xls')).toBe('xls');
    expect(detectFormat(ole, '説明.ppt')).toBe('ppt');
  });

  it('refuses an empty file as parse.empty', () => {
    expect(() => detectFormat(new Uint8Array(), 'empty.txt')).toThrow(
      expect.objectContaining({ code: 'parse.empty' }),
    );
  });

  it('refuses images, plain zips, OpenDocument and password-protected Office files as parse.unsupported', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const zip = zipSync({ 'a.txt': strToU8('x') });
    const odt = zipSync({
      mimetype: strToU8('application/vnd.oasis.opendocument.text'),
      'content.xml': strToU8('<x/>'),
    });
    for (const [bytes, name] of [
      [png, 'photo.png'],
      [zip, 'archive.zip'],
      [odt, 'doc.odt'],
      [ole, 'secret.docx'],
    ] as const) {
      expect(() => detectFormat(bytes, name)).toThrow(
        expect.objectContaining({ code: 'parse.unsupported', kind: 'invalid' }),
      );
    }
  });

  it('refuses a truncated zip and a .docx that is not a zip as parse.corrupt', () => {
    const docx = fixtureBytes('procedure.docx');
    expect(() => detectFormat(docx.subarray(0, docx.length - 40), 'cut.docx')).toThrow(
      expect.objectContaining({ code: 'parse.corrupt' }),
    );
    expect(() => detectFormat(utf8('not a document'), 'fake.docx')).toThrow(
      expect.objectContaining({ code: 'parse.corrupt' }),
    );
  });
});

describe('damaged OOXML packages', () => {
  const source = (format: string) => ({ uri: `broken.${format}`, format, sha256: '', bytes: 0 });

  it.each(['docx', 'xlsx', 'pptx'])(
    'refuses a %s whose required parts are missing or garbage as parse.corrupt',
    async (format) => {
      const broken = zipSync({ 'xl/workbook.xml': strToU8('<<< not xml'), 'word/other.xml': strToU8('') });
      await expect(parserFor(format)(broken, source(format))).rejects.toMatchObject({
        code: 'parse.corrupt',
      });
    },
  );

  it('refuses bytes that are not a zip at all as parse.corrupt', async () => {
    await expect(parserFor('docx')(utf8('PK but not really'), source('docx'))).rejects.toMatchObject({
      code: 'parse.corrupt',
    });
  });
});

describe('parserFor and parseBytes', () => {
  it('refuses an unknown format name as parse.unsupported', () => {
    expect(() => parserFor('rtf')).toThrow(expect.objectContaining({ code: 'parse.unsupported' }));
  });

  it('fills SourceInfo with the detected format, size and sha256', () => {
    expect(sourceInfoFor(utf8('手順'), 'a.txt')).toEqual({
      uri: 'a.txt',
      format: 'text',
      bytes: 6,
      sha256: 'a7a63832b26b30e6f5326cf937b4685301cbdc82dc8c4924812f4007d6812b87',
    });
  });

  it('parses any fixture end to end from bytes and a file name', async () => {
    const doc = await parseBytes(fixtureBytes('procedure.md'), 'docs/procedure.md');
    expect(doc.source).toMatchObject({ uri: 'docs/procedure.md', format: 'markdown' });
    expect(doc.blocks[0]!.id).toBe('b0');
  });
});

describe('legacy formats', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('refuses .doc without LibreOffice with the one-line conversion hint', async () => {
    const parse = parserFor('doc');
    await expect(
      parse(ole, { uri: '手順書.doc', format: 'doc', sha256: '', bytes: ole.length }),
    ).rejects.toMatchObject({
      code: 'parse.unsupported',
      message:
        'unsupported legacy format .doc — convert to .docx (LibreOffice: soffice --headless --convert-to docx)',
    });
  });

  it('converts with the soffice it is given and parses the result', async () => {
    // A stand-in for LibreOffice that "converts" by copying a DOCX fixture to <outdir>/input.docx.
    const dir = mkdtempSync(join(tmpdir(), 'musubi-fake-soffice-'));
    dirs.push(dir);
    const fixture = new URL('../fixtures/formats/ruby.docx', import.meta.url).pathname;
    const script = join(dir, 'soffice');
    writeFileSync(
      script,
      `#!/bin/sh\nwhile [ "$#" -gt 0 ]; do if [ "$1" = "--outdir" ]; then out="$2"; fi; shift; done\ncp "${fixture}" "$out/input.docx"\n`,
    );
    chmodSync(script, 0o755);
    expect(findSoffice(`/nonexistent:${dir}`)).toBe(script);
    const doc = await parseBytes(ole, '手順書.doc', { soffice: script });
    expect(doc.source.format).toBe('doc');
    expect(doc.metadata.convertedFrom).toBe('doc');
    expect(outline(doc.blocks)).toEqual(['paragraph 軸受の温度を確認する。', 'step 1 ①弁を閉じる。']);
  });

  it('reports a failed conversion as parse.conversion-failed', async () => {
    await expect(parseBytes(ole, 'x.xls', { soffice: '/bin/false' })).rejects.toMatchObject({
      code: 'parse.conversion-failed',
    });
  });
});

describe('zip bombs', () => {
  // 32 MiB of zeros deflates to a few KiB: a ratio far above any real document.
  const bomb = zipSync({
    '[Content_Types].xml': strToU8('<Types/>'),
    'word/document.xml': new Uint8Array(32 * 1024 * 1024),
  });

  it('refuses an entry whose declared size and ratio exceed the limits before inflating it', async () => {
    expect(bomb.length).toBeLessThan(100_000);
    await expect(parseBytes(bomb, 'bomb.docx')).rejects.toMatchObject({
      code: 'parse.too-large',
      kind: 'invalid',
    });
  });

  it('applies configured limits to every OOXML parser', async () => {
    const limits = { maxEntryBytes: 1000, maxTotalBytes: 10_000, maxRatio: 200 };
    const docx = fixtureBytes('procedure.docx');
    await expect(
      docxParser(limits)(docx, { uri: 'p.docx', format: 'docx', sha256: '', bytes: docx.length }),
    ).rejects.toMatchObject({ code: 'parse.too-large' });
    for (const name of ['merged.xlsx', 'small.pptx']) {
      const bytes = fixtureBytes(name);
      await expect(parseBytes(bytes, name, { zipLimits: limits })).rejects.toMatchObject({
        code: 'parse.too-large',
      });
    }
  });

  it('inflates only the entries asked for', () => {
    const files = readZip(fixtureBytes('procedure.docx'), 'p.docx', (n) => n === 'word/styles.xml');
    expect([...files.keys()]).toEqual(['word/styles.xml']);
  });

  it('never inflates an entry past its declared size, even when the header lies', () => {
    const zip = zipSync({ 'xl/workbook.xml': new Uint8Array(4 * 1024 * 1024) });
    const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
    for (let i = 0; i + 4 <= zip.length; i++) {
      const signature = view.getUint32(i, true);
      if (signature === 0x02014b50) view.setUint32(i + 24, 100, true); // central directory: uncompressed size
      if (signature === 0x04034b50) view.setUint32(i + 22, 100, true); // local header: uncompressed size
    }
    const files = readZip(zip, 'liar.xlsx', () => true);
    expect(files.get('xl/workbook.xml')!.length).toBe(100);
  });
});
