/** Splits decoded text into lines with their UTF-16 offsets, so every block's span and lines are exact. */

export interface SourceLine {
  /** The line without its terminator. */
  readonly text: string;
  /** Offset of the line's first character in the whole text. */
  readonly start: number;
  /** 1-based line number. */
  readonly number: number;
}

export function splitLines(text: string): SourceLine[] {
  const lines: SourceLine[] = [];
  const re = /\r\n|\r|\n/g;
  let start = 0;
  let number = 1;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    lines.push({ text: text.slice(start, m.index), start, number });
    start = m.index + m[0].length;
    number++;
  }
  if (start < text.length) lines.push({ text: text.slice(start), start, number });
  return lines;
}

/** 1-based line number of a UTF-16 offset, given the sorted line starts. */
export function lineAt(lineStarts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/** Offsets where each line starts (line 1 starts at 0). */
export function lineStartsOf(text: string): number[] {
  const starts = [0];
  const re = /\r\n|\r|\n/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) starts.push(m.index + m[0].length);
  return starts;
}
