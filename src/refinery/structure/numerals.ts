/**
 * Number forms found in Japanese step markers and headings: circled and parenthesised digits, full-width
 * digits and kanji numerals. Kept apart from NFKC because NFKC folds ① to 1 and loses that it was a step.
 */

/** ①–⑳, ㉑–㉟, ㊱–㊿, ❶–❿, ➀–➉, ➊–➓: a circled number as written → its value. */
export function circledValue(ch: string): number | undefined {
  const c = ch.codePointAt(0);
  if (c === undefined) return undefined;
  if (c >= 0x2460 && c <= 0x2473) return c - 0x2460 + 1;
  if (c >= 0x3251 && c <= 0x325f) return c - 0x3251 + 21;
  if (c >= 0x32b1 && c <= 0x32bf) return c - 0x32b1 + 36;
  if (c >= 0x2776 && c <= 0x277f) return c - 0x2776 + 1;
  if (c >= 0x2780 && c <= 0x2789) return c - 0x2780 + 1;
  if (c >= 0x278a && c <= 0x2793) return c - 0x278a + 1;
  return undefined;
}

/** ⑴–⒇ (parenthesised) and ⒈–⒛ (digit full stop) → value. */
export function enclosedValue(ch: string): number | undefined {
  const c = ch.codePointAt(0);
  if (c === undefined) return undefined;
  if (c >= 0x2474 && c <= 0x2487) return c - 0x2474 + 1;
  if (c >= 0x2488 && c <= 0x249b) return c - 0x2488 + 1;
  return undefined;
}

const kanjiDigits: Readonly<Record<string, number>> = {
  〇: 0,
  零: 0,
  一: 1,
  二: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};
const kanjiUnits: Readonly<Record<string, number>> = { 十: 10, 百: 100, 千: 1000 };

/** "12", "１２", "十二", "二十一", "一〇" → integer; undefined when it is not a number. */
export function numeralValue(s: string): number | undefined {
  if (/^[0-9０-９]+$/.test(s)) return Number.parseInt(s.normalize('NFKC'), 10);
  if (!/^[〇零一二三四五六七八九十百千]+$/.test(s)) return undefined;
  if (!/[十百千]/.test(s)) {
    // Positional form: 一〇 = 10.
    return Number.parseInt([...s].map((ch) => String(kanjiDigits[ch] ?? 0)).join(''), 10);
  }
  let total = 0;
  let digit = 0;
  for (const ch of s) {
    const unit = kanjiUnits[ch];
    if (unit !== undefined) {
      total += (digit === 0 ? 1 : digit) * unit;
      digit = 0;
    } else {
      digit = kanjiDigits[ch] ?? 0;
    }
  }
  return total + digit;
}
