/**
 * Damaged PDFs (cut short, bytes overwritten, as a failed copy or a bad sector leaves them): each parses, or is
 * refused with a typed error that becomes one line in the refine summary — never a TypeError from the layout
 * code or a hang. The mutations are seeded, so a failure names a file that can be made again.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InvalidInput } from '../../src/errors/index.js';
import { createPdfParser } from '../../src/refinery/parse/pdf/index.js';

const fixtures = ['procedure.pdf', 'table.pdf', 'two-column.pdf', 'vertical-tables.pdf', 'form.pdf'];

/** A linear congruential generator: the same damage on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

/** What a bug in JavaScript throws, as opposed to pdf.js's account of a damaged file. */
const programmingError =
  /Cannot read properties|is not a function|is not iterable|is not defined|Invalid array length|call stack/;

describe('damaged PDFs', () => {
  it('parse or are refused with a typed error, never a crash', async () => {
    const parse = createPdfParser({ ocr: null });
    const next = random(7);
    const outcomes = { parsed: 0, refused: 0 };
    for (const name of fixtures) {
      const original = new Uint8Array(readFileSync(new URL(`../fixtures/pdf/${name}`, import.meta.url)));
      for (let k = 0; k < 8; k++) {
        let bytes = new Uint8Array(original);
        if (k % 2 === 0) bytes = bytes.slice(0, Math.floor(next() * bytes.length));
        else
          for (let i = 0; i < 1 + Math.floor(next() * 20); i++)
            bytes[Math.floor(next() * bytes.length)] = Math.floor(next() * 256);
        const source = { uri: `${name}#${k}`, format: 'pdf', sha256: '', bytes: bytes.length };
        try {
          const doc = await parse(bytes, source);
          expect(Array.isArray(doc.blocks), source.uri).toBe(true);
          // A page pdf.js cannot read is kept as an error of its own; one our layout code threw on is a bug.
          const pageErrors = (doc.metadata.pageErrors ?? []) as readonly { readonly error: string }[];
          for (const { error } of pageErrors) expect(error, source.uri).not.toMatch(programmingError);
          outcomes.parsed++;
        } catch (e) {
          expect(e, `${source.uri}: ${String(e)}`).toBeInstanceOf(InvalidInput);
          outcomes.refused++;
        }
      }
    }
    // Both outcomes occur: cut-short files are refused, a few overwritten bytes mostly still parse.
    expect(outcomes.parsed).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
  }, 60_000);
});
