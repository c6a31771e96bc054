import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';
import { repoRoot } from './cli.js';

const root = join(repoRoot, '..', 'shared', 'dcp-schemas', 'v1.0');

/**
 * The official DCP v1.0 JSON Schemas from ../shared, registered by their `$id`. Two quirks of the published
 * files are bridged on load: the context schema's `$id` says v08 while every message refers to it under v1.0,
 * and the DIF Presentation Exchange schemas they point to are not shipped (registered here as open objects —
 * Musubi sends scopes, never a presentationDefinition).
 */
export function dcpSchemas(): Ajv2019 {
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  addFormats.default(ajv);
  const context = JSON.parse(readFileSync(join(root, 'common', 'context-schema.json'), 'utf8'));
  ajv.addSchema({ ...context, $id: 'https://w3id.org/dspace-dcp/v1.0/common/context-schema.json' });
  const pex = 'https://identity.foundation/presentation-exchange/schemas';
  ajv.addSchema({ $id: `${pex}/presentation-definition.json`, type: 'object' });
  ajv.addSchema({
    $id: `${pex}/presentation-submission.json`,
    type: 'object',
    properties: { presentation_submission: { type: 'object' } },
  });
  for (const area of ['presentation', 'issuance']) {
    for (const file of readdirSync(join(root, area)).filter((f) => f.endsWith('-schema.json'))) {
      ajv.addSchema(JSON.parse(readFileSync(join(root, area, file), 'utf8')), `${area}/${file}`);
    }
  }
  return ajv;
}

/** Validates against `<area>/<name>-schema.json` (e.g. `presentation`, `presentation-query-message`). */
export function dcpErrors(ajv: Ajv2019, area: string, name: string, message: unknown): string[] {
  const validate = ajv.getSchema(`${area}/${name}-schema.json`);
  if (!validate) throw new Error(`no official DCP schema ${area}/${name}`);
  return validate(message) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

/** Fails with the schema errors when a DCP message is not valid against its official schema. */
export function assertDcp(ajv: Ajv2019, area: string, name: string, message: unknown): void {
  const errors = dcpErrors(ajv, area, name, message);
  if (errors.length > 0) throw new Error(`${name} invalid: ${errors.join('; ')}\n${JSON.stringify(message)}`);
}

/** The official examples, to check the schemas load and our readers accept what others send. */
export function dcpExample(area: string, name: string): unknown {
  return JSON.parse(readFileSync(join(root, area, 'example', `${name}.json`), 'utf8'));
}
