/**
 * A one-line progress bar for long work, drawn only on a terminal: redirected output stays clean lines.
 */
export interface Progress {
  /** Redraws the bar: `done` of `total`, with the item being worked on. */
  update(done: number, total: number, label: string): void;
  /** Prints a line above the bar (the bar is redrawn after it). */
  log(line: string): void;
  /** Clears the bar for good. */
  finish(): void;
}

export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(chunk: string): boolean;
}

/** A bar on `stream` when it is a TTY; otherwise `log` writes plain lines to `lines` and nothing else is drawn. */
export function createProgress(stream: ProgressStream, lines: ProgressStream = stream): Progress {
  if (!stream.isTTY) {
    return { update() {}, log: (line) => void lines.write(`${line}\n`), finish() {} };
  }
  let last = '';
  const clear = () => {
    if (last) stream.write('\r\x1b[2K');
  };
  return {
    update(done, total, label) {
      const columns = stream.columns || 80; // 0 when the terminal does not say
      const width = Math.max(10, Math.min(30, columns - 40));
      const filled = total === 0 ? width : Math.round((done / total) * width);
      const head = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} `;
      const room = Math.max(0, columns - head.length - 1);
      const name = label.length <= room ? label : room > 1 ? `…${label.slice(label.length - room + 1)}` : '';
      clear();
      last = head + name;
      stream.write(last);
    },
    log(line) {
      clear();
      lines.write(`${line}\n`);
      if (last) stream.write(last);
    },
    finish() {
      clear();
      last = '';
    },
  };
}
