/** Spreadsheet A1 notation: 0-based row/column ↔ "A1", ranges "A1:D10". */

export function columnName(col: number): string {
  let n = col + 1;
  let name = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    name = String.fromCharCode(65 + r) + name;
    n = Math.floor((n - 1) / 26);
  }
  return name;
}

export function a1(row: number, col: number): string {
  return `${columnName(col)}${row + 1}`;
}

export function a1Range(top: number, left: number, bottom: number, right: number): string {
  return `${a1(top, left)}:${a1(bottom, right)}`;
}

/** "B3" → { row: 2, col: 1 }; undefined for anything else. */
export function parseA1(ref: string): { row: number; col: number } | undefined {
  const m = /^\$?([A-Z]{1,3})\$?(\d+)$/.exec(ref.trim().toUpperCase());
  if (m === null) return undefined;
  let col = 0;
  for (const ch of m[1]!) col = col * 26 + (ch.charCodeAt(0) - 64);
  return { row: Number.parseInt(m[2]!, 10) - 1, col: col - 1 };
}

/** A rectangle as A1 text: "B2" for one cell, "A1:T1" otherwise. */
export function a1Area(r: { top: number; left: number; bottom: number; right: number }): string {
  return r.top === r.bottom && r.left === r.right
    ? a1(r.top, r.left)
    : a1Range(r.top, r.left, r.bottom, r.right);
}
