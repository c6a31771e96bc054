import { describe, expect, it } from 'vitest';
import { createProgress, type ProgressStream } from '../../src/cli/progress.js';

function stream(isTTY: boolean): ProgressStream & { text: () => string } {
  let text = '';
  return {
    isTTY,
    columns: 80,
    write(chunk: string) {
      text += chunk;
      return true;
    },
    text: () => text,
  };
}

describe('progress bar', () => {
  it('draws and redraws one line on a terminal, keeping logged lines above it', () => {
    const tty = stream(true);
    const p = createProgress(tty);
    p.update(2, 4, 'samples/作業手順書.md');
    p.log('failed    broken.pdf — corrupt');
    p.update(4, 4, 'samples/点検表.html');
    p.finish();
    const out = tty.text();
    expect(out).toContain(`[${'#'.repeat(15)}${'-'.repeat(15)}] 2/4 samples/作業手順書.md`);
    expect(out).toContain('\r\x1b[2Kfailed    broken.pdf — corrupt\n');
    expect(out).toContain(`[${'#'.repeat(30)}] 4/4`);
    expect(out.endsWith('\r\x1b[2K')).toBe(true);
  });

  it('draws nothing when not on a terminal; logged lines are plain', () => {
    const pipe = stream(false);
    const p = createProgress(pipe);
    p.update(1, 2, 'a.md');
    p.log('added     a.md (2 chunks)');
    p.finish();
    expect(pipe.text()).toBe('added     a.md (2 chunks)\n');
  });
});
