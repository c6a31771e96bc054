/**
 * The goldens describe what `musubi show --json` prints: refine a copy of the fixtures with the real CLI,
 * read every tree back through `show --json`, and check each scores exactly as the in-process parse does.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { observe, scoreStructure } from '../../src/refinery/eval/structure.js';
import { runCli } from '../support/cli.js';
import { fixtureDirs, fixtureNames, loadGoldens, observeFixture } from './goldens.js';

const work = mkdtempSync(join(tmpdir(), 'musubi-structure-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('musubi show --json against the goldens', () => {
  it('gives the same structure scores as the in-process parse, fixture by fixture', async () => {
    const root = join(work, 'fixtures');
    for (const dir of fixtureDirs) mkdirSync(join(root, dir), { recursive: true });
    for (const name of fixtureNames())
      copyFileSync(fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url)), join(root, name));
    const store = join(work, 'store');
    const refined = await runCli(['refine', root, '--store', store]);
    // The corrupt, empty and encrypted PDFs fail (exit 1); everything else is stored.
    expect(refined.stderr).toMatch(/3 of \d+ files could not be refined/);
    for (const golden of loadGoldens().filter((g) => g.error === undefined)) {
      const shown = await runCli(['show', golden.fixture, '--json', '--store', store]);
      expect(shown.code, shown.stderr).toBe(0);
      const viaCli = scoreStructure(golden, observe(JSON.parse(shown.stdout)));
      const inProcess = scoreStructure(golden, await observeFixture(golden.fixture));
      expect(viaCli, golden.fixture).toEqual(inProcess);
    }
  }, 180_000);
});
