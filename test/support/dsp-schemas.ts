import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';
import { repoRoot } from './cli.js';

/**
 * The official DSP 2025-1 JSON Schemas from ../shared, registered by their `$id` so every `$ref` resolves
 * offline. Three transfer schemas write `#definitions/` for `#/definitions/` (a spec bug): fixed on load.
 */
export function dspSchemas(version = '2025-1'): Ajv2019 {
  const root = join(repoRoot, '..', 'shared', 'dsp-schemas', version);
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  addFormats.default(ajv);
  for (const area of readdirSync(root)) {
    if (area === 'context') continue;
    for (const file of readdirSync(join(root, area)).filter((f) => f.endsWith('-schema.json'))) {
      const text = readFileSync(join(root, area, file), 'utf8').replaceAll('#definitions/', '#/definitions/');
      ajv.addSchema(JSON.parse(text));
    }
  }
  return ajv;
}

/** Validates against `<area>/<name>-schema.json`; returns the error list (empty when valid). */
export function dspErrors(
  ajv: Ajv2019,
  area: string,
  name: string,
  message: unknown,
  version = '2025-1',
): string[] {
  const id = `https://w3id.org/dspace/${version.replace('-', '/')}/${area}/${name}-schema.json`;
  const validate = ajv.getSchema(id);
  if (!validate) throw new Error(`no official schema ${id}`);
  return validate(message) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
