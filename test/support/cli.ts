import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { testCaFile } from './test-ca.js';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const cliPath = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/**
 * The environment a CLI test runs in: no MUSUBI_* or DATABASE_URL of the developer's shell leaks in; the shared
 * test CA, once made, is trusted (MUSUBI_TLS_CA) so the CLI reaches HTTPS test nodes.
 */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (!k.startsWith('MUSUBI_') && k !== 'DATABASE_URL') env[k] = v;
  if (existsSync(testCaFile)) env.MUSUBI_TLS_CA = testCaFile;
  return { ...env, ...extra };
}

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runCli(
  args: readonly string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<CliResult> {
  const child = spawn(process.execPath, [cliPath, ...args], {
    env: cleanEnv(options.env),
    cwd: options.cwd ?? repoRoot,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

export interface SpawnedNode {
  readonly child: ChildProcessWithoutNullStreams;
  /** Sends a signal to the process and everything it started (npx does not forward signals). */
  readonly signal: (signal: NodeJS.Signals) => void;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Resolves with the first stdout match, or rejects when the process exits first or the deadline passes. */
  readonly waitFor: (
    pattern: RegExp,
    deadlineMs?: number,
    stream?: 'stdout' | 'stderr',
  ) => Promise<RegExpMatchArray>;
  readonly exited: Promise<number | null>;
}

export function spawnCli(
  command: string,
  args: readonly string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): SpawnedNode {
  const child = spawn(command, args, {
    env: cleanEnv(options.env),
    cwd: options.cwd ?? repoRoot,
    detached: true,
  });
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  child.stdout.on('data', (d) => {
    out += d;
    for (const w of waiters) w();
  });
  child.stderr.on('data', (d) => {
    err += d;
    for (const w of waiters) w();
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const waitFor = (pattern: RegExp, deadlineMs = 30_000, stream: 'stdout' | 'stderr' = 'stdout') =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const timer = setTimeout(
        () => finish(new Error(`timed out waiting for ${pattern}; stdout: ${out}; stderr: ${err}`)),
        deadlineMs,
      );
      const check = () => {
        const m = (stream === 'stdout' ? out : err).match(pattern);
        if (m) finish(undefined, m);
      };
      const finish = (e?: Error, m?: RegExpMatchArray) => {
        clearTimeout(timer);
        waiters.delete(check);
        if (e) reject(e);
        else resolve(m!);
      };
      waiters.add(check);
      exited.then((code) =>
        finish(new Error(`exited with ${code} before ${pattern}; stdout: ${out}; stderr: ${err}`)),
      );
      check();
    });
  const signal = (sig: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, sig);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e; // already gone
    }
  };
  return { child, signal, stdout: () => out, stderr: () => err, waitFor, exited };
}
