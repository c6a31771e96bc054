import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSoffice, parseBytes } from '../../src/refinery/parse/index.js';
import { refine } from '../../src/refinery/pipeline/index.js';
import { fixtureBytes, outline, parseFixture } from './fixture.js';

/**
 * Legacy Office files through the real LibreOffice (Debian's libreoffice-writer-nogui and -calc-nogui; `.ci/run`
 * installs them): the .doc/.xls are written by LibreOffice itself from the HTML/XLSX fixtures, then refined.
 */
const soffice = findSoffice(process.env.PATH);
let dir = '';

/** The fixture saved by LibreOffice in a legacy binary format (read with `infilter` when given). */
function legacyCopy(fixture: string, target: string, infilter?: string): Uint8Array {
  const from = join(dir, fixture);
  copyFileSync(new URL(`../fixtures/formats/${fixture}`, import.meta.url), from);
  execFileSync(soffice!, [
    `-env:UserInstallation=file://${join(dir, 'profile')}`,
    '--headless',
    ...(infilter ? [`--infilter=${infilter}`] : []),
    '--convert-to',
    target,
    '--outdir',
    dir,
    from,
  ]);
  return new Uint8Array(readFileSync(from.replace(/\.[a-z]+$/, `.${target.split(':')[0]}`)));
}

// Word 97 written by LibreOffice from the HTML fixture: Writer reads h1/h2, <ol> and the merged <th> as Word
// styles, numbering and merged cells (our hand-made DOCX fixture has no styles part for it to read).
const wordFromHtml = () => legacyCopy('procedure.html', 'doc:MS Word 97', 'HTML (StarWriter)');

describe('legacy .doc and .xls with LibreOffice', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'musubi-libreoffice-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is installed (Debian: libreoffice-writer-nogui libreoffice-calc-nogui)', () => {
    expect(soffice, 'install libreoffice-writer-nogui and libreoffice-calc-nogui').toBeDefined();
  });

  it('a .doc keeps the procedure: headings, ①②③ and numbered steps, the 注意 callout, merged header cells', async () => {
    const doc = wordFromHtml();
    // an OLE2 container, not a renamed zip
    expect([...doc.subarray(0, 4)]).toEqual([0xd0, 0xcf, 0x11, 0xe0]);
    const parsed = await parseBytes(doc, '保守手順書.doc', { soffice: soffice! });
    expect(parsed.metadata.convertedFrom).toBe('doc');
    // the structure of the HTML it was made from; Word keeps the source's line break as a space, and list depth
    // is counted from the list the item sits in
    const source = await parseFixture('procedure.html');
    const comparable = (lines: string[]) =>
      lines.slice(0, 12).map((l) => l.replace(/の\s+要/, 'の要').replace(/^(ul|ol)\d/, 'list'));
    expect(comparable(outline(parsed.blocks))).toEqual(comparable(outline(source.blocks)));
    expect(outline(parsed.blocks)).toContain('step 3 ③ケーシングのボルトを外す。');
    const table = parsed.blocks.find((b) => b.kind === 'table');
    expect(table?.kind === 'table' && table.headerRows).toBe(2);
    expect(table?.kind === 'table' && table.rows[0]?.[2]).toMatchObject({ text: '測定値', colSpan: 2 });
    expect(table?.kind === 'table' && table.rows[0]?.[0]).toMatchObject({ text: '設備', rowSpan: 2 });
  }, 60_000);

  it('a .xls keeps its merged header cells, as its XLSX does', async () => {
    const xls = legacyCopy('merged.xlsx', 'xls');
    const parsed = await parseBytes(xls, '点検表.xls', { soffice: soffice! });
    const original = await parseBytes(fixtureBytes('merged.xlsx'), 'merged.xlsx');
    expect(parsed.metadata.convertedFrom).toBe('xls');
    const tables = (d: typeof parsed) =>
      d.blocks.flatMap((b) => (b.kind === 'table' ? [{ headerRows: b.headerRows, rows: b.rows }] : []));
    expect(tables(parsed).length).toBeGreaterThan(0);
    expect(tables(parsed)).toEqual(tables(original));
  }, 60_000);

  it('`refine` converts a .doc with the LibreOffice on PATH, without being told where it is', async () => {
    const folder = join(dir, 'folder');
    mkdirSync(folder);
    writeFileSync(join(folder, '保守手順書.doc'), wordFromHtml());
    const summary = await refine([folder], { store: join(dir, 'store') });
    expect(summary.failures).toEqual([]);
    expect(summary.added).toBe(1);
  }, 120_000);
});
