/**
 * Document-wide typography: the body size (the size most characters are set in) and the larger sizes
 * that headings use, ranked. A heading is recognised relative to the body, not by absolute points.
 */
export interface StyledLine {
  readonly text: string;
  readonly size: number;
  readonly bold: boolean;
}

export interface Typography {
  readonly bodySize: number;
  readonly bodyBold: boolean;
  /** Distinct sizes clearly above the body that short lines use, largest first. */
  readonly headingSizes: readonly number[];
}

const bucket = (size: number) => Math.round(size * 2) / 2;

export function typographyOf(lines: readonly StyledLine[]): Typography {
  const chars = new Map<number, number>();
  let bold = 0;
  let total = 0;
  for (const l of lines) {
    const n = [...l.text].length;
    chars.set(bucket(l.size), (chars.get(bucket(l.size)) ?? 0) + n);
  }
  const bodySize = [...chars].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 10;
  for (const l of lines) {
    if (bucket(l.size) !== bodySize) continue;
    const n = [...l.text].length;
    total += n;
    if (l.bold) bold += n;
  }
  const headingSizes = [
    ...new Set(
      lines.filter((l) => isLarger(l.size, bodySize) && [...l.text].length <= 60).map((l) => bucket(l.size)),
    ),
  ].sort((a, b) => b - a);
  return { bodySize, bodyBold: bold * 2 > total, headingSizes };
}

export function isLarger(size: number, body: number): boolean {
  return size >= body * 1.15 && size - body >= 1;
}

/** 1 for the largest heading size, 2 for the next … (at most 4). */
export function sizeLevel(size: number, t: Typography): number {
  const i = t.headingSizes.indexOf(bucket(size));
  return Math.min(4, i < 0 ? t.headingSizes.length + 1 : i + 1);
}
