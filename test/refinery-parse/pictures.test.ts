import { unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { parseBytes } from '../../src/refinery/parse/index.js';
import { pictureSize, relationshipTargets, resolvePath } from '../../src/refinery/parse/office-pictures.js';
import { type ImageOcr, type OcrLine, systemImageOcr } from '../../src/refinery/parse/pdf/ocr.js';
import { ocrLine, ocrWord } from '../support/ocr-words.js';
import { fixtureBytes, outline } from './fixture.js';

const line = (text: string, confidence = 90): OcrLine => ocrLine(ocrWord(text, 0, 0, confidence));

/** Reads every picture as the given lines, noting the size of each picture it was given. */
function fakeOcr(lines: OcrLine[], seen: number[]): ImageOcr {
  return async (image) => {
    seen.push(pictureSize(image)?.width ?? 0);
    return lines;
  };
}

describe('text in DOCX and PPTX pictures', () => {
  for (const name of ['pictures.docx', 'pictures.pptx']) {
    it(`${name}: reads a large picture into a figure where it sits, not the icon`, async () => {
      const seen: number[] = [];
      const imageOcr = fakeOcr([line('吐出圧力 0.35 MPa'), line('ニニニニ'), line('昌Y', 30)], seen);
      const doc = await parseBytes(fixtureBytes(name), name, { pictures: { imageOcr } });
      // the 40-pixel icon is never read
      expect(seen).toEqual([990]);
      const figures = doc.blocks.filter((b) => b.kind === 'figure');
      expect(figures.map((f) => f.text)).toEqual(['吐出圧力 0.35 MPa']);
      expect(doc.metadata.pictureTextCount).toBe(1);
      if (name.endsWith('.docx')) {
        expect(outline(doc.blocks)).toEqual([
          'paragraph 月次点検報告',
          'paragraph 点検結果は次の図のとおり。',
          'figure 吐出圧力 0.35 MPa',
          'paragraph 以上、異常なし。',
        ]);
        expect(figures[0]!.location).toEqual({ paragraph: 2 });
      } else {
        expect(outline(doc.blocks)).toEqual([
          'h1 ポンプ P-101 の傾向',
          'figure 吐出圧力 0.35 MPa',
          'ul0 振動は基準内。',
        ]);
        expect(figures[0]!.location).toEqual({ page: 1 });
      }
    });

    it(`${name}: has no figure with picture OCR off, and keeps the rest when OCR fails`, async () => {
      const off = await parseBytes(fixtureBytes(name), name, { pictures: { imageOcr: null } });
      expect(off.blocks.some((b) => b.kind === 'figure')).toBe(false);
      const broken: ImageOcr = async () => {
        throw new Error('tesseract: Failed loading language jpn');
      };
      const failed = await parseBytes(fixtureBytes(name), name, { pictures: { imageOcr: broken } });
      expect(failed.metadata.figureOcrError).toBe('tesseract: Failed loading language jpn');
      expect(outline(failed.blocks)).toEqual(outline(off.blocks));
    });
  }

  it('leaves out a picture past the zip limits with the reason, and parses the rest', async () => {
    // pictures.docx with its screenshot swapped for 4 MiB of zeros behind a PNG header: it deflates
    // past the compression ratio allowed, as a blank bitmap or a zip bomb does
    const entries = unzipSync(fixtureBytes('pictures.docx'));
    const bomb = new Uint8Array(4 * 2 ** 20);
    bomb.set(entries['word/media/image1.png']!.subarray(0, 24));
    const bytes = zipSync({ ...entries, 'word/media/image1.png': bomb });
    const seen: number[] = [];
    const doc = await parseBytes(bytes, 'bomb.docx', {
      pictures: { imageOcr: fakeOcr([line('読めた')], seen) },
    });
    expect(seen).toEqual([]);
    expect(doc.metadata.figureOcrError).toMatch(/compression ratio/);
    expect(outline(doc.blocks)).toEqual([
      'paragraph 月次点検報告',
      'paragraph 点検結果は次の図のとおり。',
      'paragraph 以上、異常なし。',
    ]);
  });

  it('reads the pictures with tesseract when it is installed', async () => {
    const imageOcr = await systemImageOcr();
    expect(imageOcr, 'install tesseract-ocr and tesseract-ocr-jpn').toBeDefined();
    for (const name of ['pictures.docx', 'pictures.pptx']) {
      const doc = await parseBytes(fixtureBytes(name), name, { pictures: { imageOcr: imageOcr! } });
      const figure = doc.blocks.find((b) => b.kind === 'figure');
      expect(figure?.text).toMatch(/Discharge pressure 0\.35 MPa/);
      expect(figure?.text).toMatch(/Vibration 2\.8 mm\/s/);
    }
  });
});

describe('pictureSize', () => {
  it('reads PNG, GIF, BMP and JPEG headers, and nothing else', () => {
    const png = new Uint8Array(24);
    png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    new DataView(png.buffer).setUint32(16, 990);
    new DataView(png.buffer).setUint32(20, 335);
    expect(pictureSize(png)).toEqual({ width: 990, height: 335 });
    const gif = new Uint8Array([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x40, 0x01, 0xf0, 0x00]);
    expect(pictureSize(gif)).toEqual({ width: 320, height: 240 });
    const bmp = new Uint8Array(26);
    bmp.set([0x42, 0x4d]);
    new DataView(bmp.buffer).setInt32(18, 640, true);
    new DataView(bmp.buffer).setInt32(22, -480, true); // top-down rows
    expect(pictureSize(bmp)).toEqual({ width: 640, height: 480 });
    // SOI, an APP0 segment of 16 bytes, then SOF0: precision, height 600, width 800
    const jpeg = new Uint8Array([
      0xff,
      0xd8,
      0xff,
      0xe0,
      0x00,
      0x10,
      ...new Array(14).fill(0),
      0xff,
      0xc0,
      0x00,
      0x11,
      0x08,
      0x02,
      0x58,
      0x03,
      0x20,
      0x03,
    ]);
    expect(pictureSize(jpeg)).toEqual({ width: 800, height: 600 });
    expect(
      pictureSize(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>')),
    ).toBeUndefined();
  });
});

describe('relationshipTargets', () => {
  it("resolves a part's targets against its folder and leaves external links out", () => {
    const rels =
      '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      '<Relationship Id="rId1" Type="…/image" Target="../media/image1.png"/>' +
      '<Relationship Id="rId2" Type="…/hyperlink" Target="https://example.com/" TargetMode="External"/>' +
      '<Relationship Id="rId3" Type="…/image" Target="/ppt/media/image3.jpeg"/>' +
      '</Relationships>';
    expect([...relationshipTargets(rels, 'ppt/slides')]).toEqual([
      ['rId1', 'ppt/media/image1.png'],
      ['rId3', 'ppt/media/image3.jpeg'],
    ]);
    expect(resolvePath('word', './media/a.png')).toBe('word/media/a.png');
  });
});
