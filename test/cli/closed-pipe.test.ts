import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, cliPath, repoRoot, runCli } from '../support/cli.js';

const store = join(mkdtempSync(join(tmpdir(), 'musubi-closed-pipe-')), 'store');

/** Runs the CLI with its stdout a pipe whose reading end is closed at once, as `musubi … | head -0` does. */
async function withReaderGone(args: readonly string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [cliPath, ...args], { env: cleanEnv(), cwd: repoRoot });
  child.stdout.destroy(); // closed before the CLI (still starting up) writes anything
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stderr };
}

describe('a reader that closes the pipe early', () => {
  beforeAll(async () => {
    const refined = await runCli(['refine', 'samples', '--store', store]);
    expect(refined.code, refined.stderr).toBe(0);
  }, 120_000);

  it.each([
    ['search', ['search', 'ポンプ 分解 点検', '--store', store]],
    ['search --json', ['search', 'ポンプ', '--json', '--store', store]],
    ['export', ['export', '--format', 'jsonl', '--store', store]],
  ])(
    'stops %s quietly: exit 0, no stack trace',
    async (_name, args) => {
      const { code, stderr } = await withReaderGone(args);
      expect(stderr).toBe('');
      expect(code).toBe(0);
    },
    60_000,
  );
});
