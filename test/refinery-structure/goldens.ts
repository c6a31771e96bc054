/**
 * The golden structure files (test/fixtures/golden/<dir>/<fixture>.json) paired with the fixtures they
 * describe, and each fixture observed the way `musubi show --json` sees it (the block tree, through JSON).
 */
import { readdirSync, readFileSync } from 'node:fs';
import {
  type ObservedStructure,
  observe,
  observeError,
  parseGolden,
  type StructureGolden,
} from '../../src/refinery/eval/structure.js';
import { blockTree } from '../../src/refinery/export/index.js';
import { type ParseOptions, parseBytes } from '../../src/refinery/parse/index.js';

const fixtures = new URL('../fixtures/', import.meta.url);
export const fixtureDirs = ['formats', 'pdf'] as const;

/** Every fixture file (generators excluded), as `dir/name`. */
export function fixtureNames(): string[] {
  return fixtureDirs.flatMap((dir) =>
    readdirSync(new URL(`${dir}/`, fixtures))
      .filter((f) => !f.endsWith('.ts'))
      .sort()
      .map((f) => `${dir}/${f}`),
  );
}

export function loadGoldens(): StructureGolden[] {
  return fixtureDirs.flatMap((dir) =>
    readdirSync(new URL(`golden/${dir}/`, fixtures))
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => {
        const file = `golden/${dir}/${f}`;
        return parseGolden(file, JSON.parse(readFileSync(new URL(file, fixtures), 'utf8')));
      }),
  );
}

export function fixtureBytes(fixture: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(fixture, fixtures)));
}

/** Parses a fixture and observes its `show --json` tree; a refused file is observed as its error code. */
export async function observeFixture(
  fixture: string,
  options: ParseOptions = {},
): Promise<ObservedStructure> {
  try {
    const doc = await parseBytes(fixtureBytes(fixture), fixture.split('/').pop()!, options);
    return observe(JSON.parse(JSON.stringify(blockTree(doc))));
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (typeof code !== 'string') throw e;
    return observeError(code);
  }
}
