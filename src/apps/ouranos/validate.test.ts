import { describe, expect, it } from 'vitest';
import { OuranosError } from './errors.js';
import { hasAtMost5Decimals, uuidList, validCfpRecords, validPart } from './validate.js';

const traceId = '8fc6aa29-5f4f-476e-85e3-2d1b54715891';
const record = (cfpType: string, ghgEmission: number | null, rating: number | null = 1) => ({
  cfpId: null,
  traceId,
  ghgEmission,
  ghgDeclaredUnit: 'kgCO2e/kilogram',
  cfpType,
  dqrType: cfpType.startsWith('pre') ? 'preProcessing' : 'mainProcessing',
  dqrValue: { TeR: rating, GeR: rating, TiR: rating },
});
const four = () => [
  record('preProduction', 1.5),
  record('mainProduction', 10),
  record('preComponent', 0),
  record('mainComponent', 0),
];

const refusal = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof OuranosError && e.status === 400) return e.message;
    throw e;
  }
  throw new Error('accepted');
};

describe('Ouranos request validation', () => {
  it('counts decimals on the number as written', () => {
    expect(hasAtMost5Decimals(99999.99999)).toBe(true);
    expect(hasAtMost5Decimals(1.123456)).toBe(false);
    expect(hasAtMost5Decimals(1e-5)).toBe(true);
    expect(hasAtMost5Decimals(1e-6)).toBe(false);
    expect(hasAtMost5Decimals(0.1 + 0.2)).toBe(false);
  });

  it('accepts the four own records and refuses what the platform refuses', () => {
    expect(validCfpRecords(four())).toHaveLength(4);
    expect(refusal(() => validCfpRecords(four().slice(0, 3)))).toMatch(/must be 4 elements/);
    expect(refusal(() => validCfpRecords([...four().slice(0, 3), record('preProduction', 1)]))).toMatch(
      /mainComponent is insufficient/,
    );
    expect(refusal(() => validCfpRecords([record('preProductionTotal', 1), ...four().slice(1)]))).toMatch(
      /cfpModel\[0\]: \(cfpType: cannot be allowed 'preProductionTotal'/,
    );
    const wrongDqr = four();
    wrongDqr[0] = { ...record('preProduction', 1.5), dqrType: 'mainProcessing' };
    expect(refusal(() => validCfpRecords(wrongDqr))).toMatch(/combination of cfpType and dqrType/);
    const twoDqrs = four();
    twoDqrs[2] = record('preComponent', 0, 2);
    expect(refusal(() => validCfpRecords(twoDqrs))).toMatch(/different dqrValues/);
    const ratedButZero = [
      record('preProduction', 0),
      record('mainProduction', 10),
      record('preComponent', 0),
      record('mainComponent', 0),
    ];
    expect(refusal(() => validCfpRecords(ratedButZero))).toMatch(
      /greater than 0 for cfpType of preProduction/,
    );
    expect(
      refusal(() => validCfpRecords([{ ...record('preProduction', 100000) }, ...four().slice(1)])),
    ).toMatch(/ghgEmission: must be between 0 and 99999.99999/);
    expect(refusal(() => validCfpRecords({}))).toMatch(/expected=array/);
  });

  it('checks a part’s limits, in Japanese too (characters, not bytes)', () => {
    const part = {
      traceId: null,
      operatorId: traceId,
      plantId: traceId,
      partsName: '部'.repeat(50),
      supportPartsName: null,
      terminatedFlag: false,
      amountRequired: null,
      amountRequiredUnit: 'kilogram',
    };
    expect(validPart(part).partsName).toHaveLength(50);
    expect(refusal(() => validPart({ ...part, partsName: '部'.repeat(51) }))).toMatch(
      /partsName: the length must be no more than 50/,
    );
    expect(refusal(() => validPart({ ...part, partsName: '' }))).toMatch(/partsName: cannot be blank/);
    expect(refusal(() => validPart({ ...part, terminatedFlag: 'false' }))).toMatch(/terminatedFlag/);
    expect(refusal(() => validPart({ ...part, operatorId: 'b39e6248' }))).toMatch(/operatorId: invalid UUID/);
    const { plantId: _p, ...noPlant } = part;
    expect(refusal(() => validPart(noPlant))).toMatch(/plantId: cannot be blank/);
  });

  it('reads comma-separated uuid lists up to a maximum', () => {
    expect(uuidList(`${traceId},${traceId}`, 'traceIds', 50)).toEqual([traceId, traceId]);
    expect(() => uuidList(Array(51).fill(traceId).join(','), 'traceIds', 50)).toThrow(/up to 50/);
    expect(() => uuidList('', 'traceIds', 50)).toThrow(/cannot be blank/);
  });
});
