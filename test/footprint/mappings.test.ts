import { dereference } from '@readme/openapi-parser';
import { Ajv } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Dec } from '../../src/apps/footprint/index.js';
import {
  aggregate,
  type Footprint,
  fromOuranos,
  fromPactV2,
  fromPactV3,
  MappingRefused,
  type OuranosCfpReceived,
  ouranosCfpJson,
  pactEnvelope,
  toOuranos,
  toPactV2,
  toPactV3,
} from '../../src/apps/footprint/index.js';
import { repoRoot } from '../support/cli.js';
import { A, answerB, companyA } from './fixtures.js';

type Validate = (value: unknown) => string[];
const shared = `${repoRoot}../shared`;

/** A validator for one schema of an OpenAPI document, every $ref resolved by @readme/openapi-parser. */
async function schemaOf(file: string, name: string, dialect: '2020' | 'openapi-3.0'): Promise<Validate> {
  const doc = (await dereference(`${shared}/${file}`)) as { components: { schemas: Record<string, object> } };
  const ajv =
    dialect === '2020'
      ? new Ajv2020({ strict: false, allErrors: true })
      : new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addFormat('decimal', /^-?\d+(\.\d+)?$/);
  ajv.addFormat('urn', /^urn:/i);
  for (const f of ['double', 'float', 'int32']) ajv.addFormat(f, true);
  const validate = ajv.compile(doc.components.schemas[name] as object);
  return (value) =>
    validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

let v3: Validate;
let v2: Validate;
let ouranos: Validate;
beforeAll(async () => {
  v3 = await schemaOf('pact/openapi_v3_0.yaml', 'ProductFootprint', '2020');
  v2 = await schemaOf('pact/openapi_v2_3.yaml', 'ProductFootprint', '2020');
  ouranos = await schemaOf('ouranos/openapi.yaml', 'traceability.CfpModel', 'openapi-3.0');
});

const resultA = (answer: Footprint | null = answerB): Footprint<Dec> => {
  const fp = aggregate(companyA, new Map(answer ? [[answer.traceId, answer]] : [])).get(A)?.footprint;
  if (!fp) throw new Error('no footprint for A');
  return fp;
};
const envelope = pactEnvelope(companyA.operator, companyA.parts[0] as never, {
  id: 'f4b1225a-bd44-4c8e-861d-079e4e1dfd69',
  created: '2026-12-01T00:00:00Z',
  precedingPfIds: ['079e425a-464f-528d-341d-4a944a1dfd70'],
});

const refusal = (f: () => unknown): MappingRefused => {
  try {
    f();
  } catch (e) {
    if (e instanceof MappingRefused) return e;
    throw e;
  }
  throw new Error('not refused');
};

describe('PACT v3', () => {
  it('publishes a ProductFootprint the official schema accepts, decimals as strings', () => {
    const { value, losses } = toPactV3(resultA(), envelope);
    expect(v3(value)).toEqual([]);
    expect(value.pcf.pcfExcludingBiogenicUptake).toBe('80.5'); // 23 + 5 × 11.5
    expect(value.pcf.biogenicCO2Uptake).toBe('-3.5');
    expect(value.pcf.fossilCarbonContent).toBe('1.75');
    expect(value.pcf.primaryDataShare).toBe('57.14');
    expect(value.pcf.productMassPerDeclaredUnit).toBe('12.5');
    expect(value.companyIds).toEqual(['urn:pact:company:jp:houjin-bangou:1234567890123']);
    expect(losses.join(' ')).toContain('stage split');
  });

  it('refuses a partial footprint and one lacking mandatory fields, saying why', () => {
    expect(refusal(() => toPactV3(resultA(null), envelope)).message).toContain('partial');
    const noPact = resultA({ ...answerB, pcf: {} }); // a supplier that answered in Ouranos terms only
    const e = refusal(() => toPactV3(noPact, envelope));
    expect(e.message).toContain('pcfExcludingBiogenicUptake');
  });

  it('reads a PACT v3 footprint back without a stage split', () => {
    const { value } = toPactV3(resultA(), envelope);
    const back = fromPactV3(value, A);
    expect(back.value.stages).toBeUndefined();
    expect(back.value.pcf.pcfIncludingBiogenicUptake).toBe('77');
    expect(() =>
      toOuranos(
        aggregate(companyA, new Map([[answerB.traceId, { ...back.value, traceId: answerB.traceId }]])).get(A)
          ?.footprint as Footprint<Dec>,
      ),
    ).toThrow(MappingRefused);
  });
});

describe('PACT v2.3', () => {
  const withCpc = { ...envelope, productClassifications: ['urn:pact:productclassification:un-cpc:46410'] };

  it('publishes a ProductFootprint the v2.3 schema accepts, stating what it lost', () => {
    const kilo = {
      ...companyA,
      parts: companyA.parts.map((p) =>
        p.traceId === A ? { ...p, unit: 'kg' as const, massPerUnit: undefined } : p,
      ),
    };
    const fp = aggregate(kilo, new Map([[answerB.traceId, answerB]])).get(A)?.footprint as Footprint<Dec>;
    const { value, losses } = toPactV2(fp, withCpc);
    expect(v2(value)).toEqual([]);
    expect(value.pcf.pCfExcludingBiogenic).toBe('80.5');
    expect(value.pcf.biogenicCarbonWithdrawal).toBe('-3.5');
    expect(value.pcf.primaryDataShare).toBe(57.14);
    expect(value.version).toBe(2);
    expect(losses.join(' ')).toMatch(/dqi left out: v2.3 rates five indicators on 1–3/);
  });

  it('refuses a footprint declared per piece', () => {
    expect(refusal(() => toPactV2(resultA(), withCpc)).message).toContain(
      'declared unit piece does not exist in PACT v2.3',
    );
  });

  it('reads v2.3 back: DQI dropped, numbers as decimal strings', () => {
    const kilo = {
      ...companyA,
      parts: companyA.parts.map((p) =>
        p.traceId === A ? { ...p, unit: 'kg' as const, massPerUnit: undefined } : p,
      ),
    };
    const { value } = toPactV2(
      aggregate(kilo, new Map([[answerB.traceId, answerB]])).get(A)?.footprint as Footprint<Dec>,
      withCpc,
    );
    const back = fromPactV2(
      { ...value, pcf: { ...value.pcf, dqi: { coveragePercent: 100, technologicalDQR: 2 } } },
      A,
    );
    expect(back.value.primaryDataShare).toBe('57.14');
    expect(back.value.dqi).toBeUndefined();
    expect(back.losses.join(' ')).toContain('1–3');
  });
});

describe('Ouranos', () => {
  it('publishes four CfpModel records per part, numbers written digit for digit', () => {
    const { value } = toOuranos(resultA(), null);
    expect(value.map((r) => [r.cfpType, r.ghgEmission])).toEqual([
      ['preProduction', '3'],
      ['mainProduction', '20'],
      ['preComponent', '7.5'],
      ['mainComponent', '50'],
    ]);
    expect(value[0]?.dqrValue.TeR).toBe('1.71429');
    expect(value[0]?.ghgDeclaredUnit).toBe('kgCO2e/unit');
    const json = ouranosCfpJson(value);
    expect(json).toContain('"ghgEmission":7.5,');
    expect(json).toContain('"TeR":1.71429,');
    for (const r of JSON.parse(json)) expect(ouranos(r)).toEqual([]);
  });

  it('reads the tutorial answer (B社 1.5 + 10.0 kgCO2e/kilogram) into the stage split, PACT fields missing', () => {
    const records: OuranosCfpReceived[] = (
      ['preProduction', 'mainProduction', 'preComponent', 'mainComponent'] as const
    ).map((cfpType, i) => ({
      cfpId: '6191188d-6e67-4449-8bd3-e121b8f23a65',
      traceId: '2fb97052-250b-44de-acbb-1ba63e28af71',
      ghgEmission: [1.5, 10, 0, 0][i] as number,
      ghgDeclaredUnit: 'kgCO2e/kilogram',
      cfpType,
      dqrType: cfpType.startsWith('pre') ? 'preProcessing' : 'mainProcessing',
      dqrValue: cfpType.startsWith('pre') ? { TeR: 1, GeR: 2, TiR: 3 } : { TeR: 2, GeR: 3, TiR: 4 },
    }));
    const { value } = fromOuranos(records);
    expect(value.stages?.main).toEqual({ own: '10', components: '0', dqr: { TeR: '2', GeR: '3', TiR: '4' } });
    expect(value.pcf).toEqual({});
    expect(value.missing).toContain('pcf.fossilGhgEmissions');
    expect(refusal(() => fromOuranos(records.slice(1))).message).toContain('missing cfpType preProduction');
  });

  it('refuses a partial footprint', () => {
    expect(refusal(() => toOuranos(resultA(null))).message).toContain('partial');
  });
});
