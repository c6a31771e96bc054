import { describe, expect, it } from 'vitest';
import type { PageGraphics } from './graphics.js';
import { needsOcr, textLayerOf } from './text-layer.js';

const graphics = (imageCover: number, curveFills = 0): PageGraphics => ({
  rulings: [],
  imageCover,
  curveFills,
  images: [],
});

describe('textLayerOf', () => {
  it('accepts ordinary Japanese text', () => {
    expect(textLayerOf('ポンプの電源を切り、ロックアウトする。', graphics(0))).toBe('usable');
  });

  it('calls a page with no text but a page-sized image a scan that needs OCR', () => {
    expect(textLayerOf('', graphics(1))).toBe('missing');
    expect(needsOcr(textLayerOf('  ', graphics(0.9)))).toBe(true);
  });

  it('calls text drawn as filled outlines missing', () => {
    expect(textLayerOf('', graphics(0, 600))).toBe('missing');
  });

  it('leaves a truly blank page alone', () => {
    expect(textLayerOf('', graphics(0, 2))).toBe('blank');
    expect(needsOcr('blank')).toBe(false);
  });

  it('rejects text made of private-use, NUL or replacement characters (fonts without a Unicode map)', () => {
    expect(textLayerOf('\u0000\u0000\u0000\u0000 \u0000', graphics(0))).toBe('unmapped');
    expect(textLayerOf('\uE001\uE002\uE003\uFFFD点', graphics(0))).toBe('unmapped');
  });

  it('rejects Latin-1 letters from single-byte fonts without a Unicode map', () => {
    const garbled = 'èÿ0÷Ïøwj_ßoöí ~ þ 2022 2023 ßÝ[ß÷] ßoÿ÷ß _00u () 3,927 3,984 57 - U× ÿ U× ÿ ÿÿÿÿÿ';
    expect(textLayerOf(garbled, graphics(0))).toBe('unmapped');
  });

  it('accepts text in languages written with many accented letters', () => {
    const icelandic =
      'Áður en dælan er ræst skal ganga úr skugga um að lokinn sé lokaður og að þrýstingurinn í leiðslunni sé eðlilegur. Þá má ræsa dæluna.';
    const french = 'Avant la mise en marche, vérifiez que la soupape est fermée et que la pompe est amorcée.';
    expect(textLayerOf(icelandic, graphics(0))).toBe('usable');
    expect(textLayerOf(french, graphics(0))).toBe('usable');
  });

  it('treats a few characters over a full-page image as a scan with a stamp', () => {
    expect(textLayerOf('社外秘 12', graphics(0.95))).toBe('missing');
  });
});
