import { exitCodes, isMusubiError } from '../errors/index.js';
// The config module alone: the node's index would load the whole server into every command.
import { type ConfigKey, type LoadedConfig, loadConfig } from '../node/config.js';

/** Options every command accepts, read before the command's own. */
export interface GlobalOptions {
  readonly config?: string;
  readonly logLevel?: string;
  readonly store?: string;
}

/** Builds the one configuration of this run from flags (already named by key), environment and file. */
export function configFrom(
  globals: GlobalOptions,
  flags: Partial<Record<ConfigKey, unknown>> = {},
): LoadedConfig {
  return loadConfig({
    flags: { logLevel: globals.logLevel, store: globals.store, ...flags },
    env: process.env,
    ...(globals.config ? { file: globals.config } : {}),
  });
}

/**
 * Runs a command body and turns any failure into one readable line on stderr and an exit code per error
 * kind. Stack traces only with --log-level debug or trace.
 */
export async function runCommand(globals: GlobalOptions, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (e) {
    process.exitCode = reportFailure(e, globals.logLevel === 'debug' || globals.logLevel === 'trace');
  }
}

export function reportFailure(e: unknown, verbose: boolean): number {
  if (isMusubiError(e)) {
    process.stderr.write(`musubi: ${e.message}\n`);
    if (verbose && e.stack) process.stderr.write(`${e.stack}\n`);
    return exitCodes[e.kind];
  }
  const message = e instanceof Error ? e.message : String(e);
  process.stderr.write(`musubi: internal error: ${message.split('\n')[0]}\n`);
  if (verbose && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
  return exitCodes.internal;
}

/** `--json` output: one JSON document on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
