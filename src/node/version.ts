import { createRequire } from 'node:module';

/** The installed package's version, read from package.json (on its own so the CLI's `--version` loads nothing else). */
export function packageVersion(): string {
  return (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
}
