import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, cliPath, repoRoot, runCli } from '../support/cli.js';

/**
 * The CLI loads only what the invoked command needs: the server, the parsers and the HTTP client are imported
 * inside the actions that use them. Checked by the modules a run loads, not by timing: a loader hook records
 * every URL the ES module loader resolves, and at exit the CommonJS cache (packages required from packages).
 */
const dir = mkdtempSync(join(tmpdir(), 'musubi-cold-start-'));
const hooks = join(dir, 'hooks.mjs');
const register = join(dir, 'register.mjs');
writeFileSync(
  hooks,
  `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(process.env.LOADED_LOG, resolved.url + '\\n');
  return resolved;
}
`,
);
writeFileSync(
  register,
  `import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
register(${JSON.stringify(pathToFileURL(hooks).href)});
const cjs = createRequire(import.meta.url).cache;
process.on('exit', () => appendFileSync(process.env.LOADED_LOG, Object.keys(cjs).join('\\n') + '\\n'));
`,
);

let runs = 0;
/** Runs `node <args>` with the recorder and returns the modules it loaded (file URLs and CommonJS paths). */
async function loadedBy(args: readonly string[]): Promise<{ code: number | null; loaded: string[] }> {
  const log = join(dir, `loaded-${++runs}.txt`);
  writeFileSync(log, '');
  const env = cleanEnv({ LOADED_LOG: log, NODE_OPTIONS: `--import=${pathToFileURL(register).href}` });
  const child = spawn(process.execPath, args, { env, cwd: repoRoot, stdio: 'ignore' });
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, loaded: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

/** The npm packages among the loaded modules (`@scope/name` or `name`). */
function packagesIn(loaded: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const m of loaded) {
    const after = m.split('/node_modules/').at(-1);
    if (after === undefined || after === m) continue;
    const [first, second] = after.split('/');
    names.add(first?.startsWith('@') ? `${first}/${second}` : (first ?? ''));
  }
  return names;
}

/** The server, its database layers, the parsers and the HTTP clients: what `--help` and a search do not need. */
const heavy = [
  'fastify',
  '@fastify/swagger',
  'jsonld',
  'kysely',
  'pg',
  '@electric-sql/pglite',
  'jose',
  'exceljs',
  'mammoth',
  'pdfjs-dist',
  'undici',
];

const cli = (...args: string[]) => [cliPath, ...args];

describe('CLI cold start', () => {
  it('the recorder sees the heavy packages when the node is imported (so their absence below means something)', async () => {
    const nodeIndex = pathToFileURL(join(repoRoot, 'dist/node/index.js')).href;
    const r = await loadedBy(['--input-type=module', '-e', `await import(${JSON.stringify(nodeIndex)});`]);
    expect(r.code).toBe(0);
    const packages = packagesIn(r.loaded);
    for (const name of ['fastify', 'jsonld', 'kysely', 'undici']) expect(packages, name).toContain(name);
  });

  it('--help and a subcommand’s --help load no server, parser or HTTP client', async () => {
    for (const args of [['--help'], ['--version'], ['search', '--help'], ['node', 'start', '--help']]) {
      const r = await loadedBy(cli(...args));
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.loaded.some((m) => m.endsWith('/dist/cli/program.js'))).toBe(true);
      const packages = packagesIn(r.loaded);
      for (const name of [...heavy, 'better-sqlite3', 'kuromoji'])
        expect(packages, `${args}: ${name}`).not.toContain(name);
    }
  });

  describe('on a refined store', () => {
    const store = join(dir, 'store');
    beforeAll(async () => {
      const docs = join(dir, 'docs');
      mkdirSync(docs);
      copyFileSync(join(repoRoot, 'samples', '作業手順書_ポンプ分解点検.md'), join(docs, 'pump.md'));
      const r = await runCli(['refine', docs, '--store', store]);
      expect(r.code, r.stderr).toBe(0);
    });

    it('search loads the corpus and the dictionary but no server, parser or provider client', async () => {
      const r = await loadedBy(cli('search', 'ポンプ', '--store', store));
      expect(r.code).toBe(0);
      const packages = packagesIn(r.loaded);
      expect(packages).toContain('better-sqlite3');
      expect(packages).toContain('kuromoji');
      for (const name of heavy) expect(packages, name).not.toContain(name);
    });

    it('show and export load no server, parser, dictionary or HTTP client', async () => {
      for (const args of [
        ['show', 'pump.md', '--store', store],
        ['export', '--format', 'jsonl', '--store', store],
      ]) {
        const r = await loadedBy(cli(...args));
        expect(r.code, args.join(' ')).toBe(0);
        const packages = packagesIn(r.loaded);
        expect(packages).toContain('better-sqlite3');
        for (const name of [...heavy, 'kuromoji'])
          expect(packages, `${args[0]}: ${name}`).not.toContain(name);
      }
    });

    it('a refine with nothing changed loads no parser: they run in the parse workers, for changed files only', async () => {
      const r = await loadedBy(cli('refine', join(dir, 'docs'), '--store', store));
      expect(r.code).toBe(0);
      expect(r.loaded.some((m) => m.endsWith('/dist/refinery/pipeline/refine.js'))).toBe(true);
      const packages = packagesIn(r.loaded);
      for (const name of [...heavy, 'micromark', 'htmlparser2']) expect(packages, name).not.toContain(name);
    });
  });
});
