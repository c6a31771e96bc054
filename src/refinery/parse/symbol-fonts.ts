/**
 * Characters set in Symbol or Wingdings. An embedded symbol font maps its codes into the private-use area
 * (U+F020–U+F0FF), and that is what pdf.js gives when the PDF has no better map: Word's bullets (•, ➢, ■, ●)
 * come out as 「」, and a spec's μm, ±, ° and Ω typed in Symbol as unreadable, unsearchable marks (86 blocks
 * of the 12 manufacturing PDFs started with one). DOCX names the same codes in w:sym, or sets one-byte text in
 * the font. The code is read back through the font's own encoding.
 */

/** Adobe's Symbol encoding from 0x20 (letters and signs; the brackets' extension pieces left out). */
const symbol: Readonly<Record<number, string>> = Object.fromEntries(
  [
    [0x20, ' !∀#∃%&∋()∗+,−./0123456789:;<=>?≅ΑΒΧΔΕΦΓΗΙϑΚΛΜΝΟΠΘΡΣΤΥςΩΞΨΖ[∴]⊥_'],
    [0x61, 'αβχδεφγηιϕκλμνοπθρστυϖωξψζ{|}∼'],
    [0xa1, 'ϒ′≤⁄∞ƒ♣♦♥♠↔←↑→↓°±″≥×∝∂•÷≠≡≈…'],
    [0xbf, '↵ℵℑℜ℘⊗⊕∅∩∪⊃⊇⊄⊂⊆∈∉∠∇®©™∏√⋅¬∧∨⇔⇐⇑⇒⇓◊〈'],
    [0xe5, '∑'],
    [0xf1, '〉∫'],
  ].flatMap(([start, chars]) => [...(chars as string)].map((c, i) => [(start as number) + i, c])),
);

/** Wingdings' bullets, boxes and marks (its pictures are left as they are). */
const wingdings: Readonly<Record<number, string>> = {
  108: '●',
  109: '❍',
  110: '■',
  111: '□',
  113: '❑',
  114: '❒',
  117: '◆',
  118: '❖',
  119: '⬥',
  158: '·',
  159: '•',
  161: '○',
  167: '▪',
  168: '◻',
  216: '➢',
  232: '➔',
  252: '✓',
  253: '☒',
  254: '☑',
};

/** The encoding of a font by its name (a subset prefix such as ABCDEE+ included), if it is one of these. */
function encodingOf(font: string): Readonly<Record<number, string>> | undefined {
  const name = font.replace(/^[A-Z]{6}\+/, '');
  if (/^symbol/i.test(name)) return symbol;
  // Wingdings 2 and 3 lay their pictures out differently.
  if (/^wingdings(?![\s-]*[23])/i.test(name)) return wingdings;
  return undefined;
}

/**
 * The text with the private-use codes of a Symbol or Wingdings font read as the characters they draw. With
 * `bytes`, its one-byte codes too: a DOCX run set in Symbol holds 「m」 where it shows μ (a PDF's one-byte codes
 * in such a font have already been read through it by pdf.js).
 */
export function fromSymbolFont(text: string, font: string, bytes = false): string {
  const encoding = encodingOf(font);
  if (encoding === undefined) return text;
  const codes = bytes ? /[\u0020-\u00ff\uf020-\uf0ff]/g : /[\uf020-\uf0ff]/g;
  return text.replace(codes, (c) => encoding[c.charCodeAt(0) & 0xff] ?? c);
}
