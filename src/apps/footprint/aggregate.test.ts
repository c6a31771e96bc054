import { describe, expect, it } from 'vitest';
import { aggregate } from './aggregate.js';
import { BomCycle, UnitMismatch } from './errors.js';
import type { BomLine, CompanyData, Footprint, OwnEmissions, Part, TradeLink } from './model.js';
import { outdated, refresh } from './outdated.js';
import { publish, stageTotal } from './publish.js';
import type { Unit } from './units.js';

const me = { operatorId: 'op-a', operatorName: 'A自動車株式会社', openOperatorId: '1234567890123' };

const part = (traceId: string, partsName: string, unit: Unit, extra: Partial<Part> = {}): Part => ({
  traceId,
  operatorId: me.operatorId,
  partsName,
  unit,
  terminatedFlag: false,
  ...extra,
});
const line = (
  parentTraceId: string,
  childTraceId: string,
  quantity: string,
  unit: Unit,
  extra: Partial<BomLine> = {},
): BomLine => ({
  parentTraceId,
  childTraceId,
  quantity,
  unit,
  ...extra,
});
const link = (downstreamTraceId: string, upstreamTraceId: string): TradeLink => ({
  downstreamTraceId,
  upstreamOperatorId: 'op-b',
  upstreamTraceId,
});
const dqr = (TeR: string, GeR = TeR, TiR = TeR) => ({ TeR, GeR, TiR });
const own = (
  traceId: string,
  pre: string,
  main: string,
  extra: Partial<OwnEmissions> = {},
): OwnEmissions => ({
  traceId,
  pre: { emissions: pre, dqr: dqr('1') },
  main: { emissions: main, dqr: dqr('1') },
  primaryDataShare: '100',
  ...extra,
});
const answer = (traceId: string, pre: string, main: string, extra: Partial<Footprint> = {}): Footprint => ({
  traceId,
  declaredUnit: 'kg',
  declaredUnitAmount: '1',
  stages: {
    pre: { own: pre, components: '0', dqr: dqr('2') },
    main: { own: main, components: '0', dqr: dqr('2') },
  },
  pcf: {},
  primaryDataShare: '40',
  partial: false,
  missing: [],
  ...extra,
});
const company = (x: Partial<CompanyData>): CompanyData => ({
  operator: me,
  parts: [],
  bom: [],
  own: [],
  tradeLinks: [],
  ...x,
});

/** The worked check: A = own 3.0 + 20.0, A1 = 5 kg of B's part at 1.5 + 10.0 kgCO2e/kg. */
const workedCheck = company({
  parts: [part('A', '部品A', 'piece'), part('A1', '部品A1', 'kg')],
  bom: [line('A', 'A1', '5', 'kg')],
  own: [own('A', '3.0', '20.0')],
  tradeLinks: [link('A1', 'B-1')],
});

describe('aggregate', () => {
  it('computes the worked check: 7.5 + 50.0 from components, 80.5 in total, TeR(pre) 1.71429, 57.14 % primary', () => {
    const results = aggregate(workedCheck, new Map([['B-1', answer('B-1', '1.5', '10.0')]]));
    const a = results.get('A')?.footprint;
    if (!a) throw new Error('no result for A');
    const published = publish(a);
    expect(published.stages?.pre).toEqual({
      own: '3',
      components: '7.5',
      dqr: { TeR: '1.71429', GeR: '1.71429', TiR: '1.71429' },
    });
    expect(published.stages?.main.components).toBe('50');
    expect(stageTotal(a)?.toFixed()).toBe('80.5');
    expect(published.primaryDataShare).toBe('57.14');
    expect(a.partial).toBe(false);
    expect(results.get('A')?.lines).toHaveLength(1);
  });

  it('adds across tiers made in-house, converting units on the way (g of a t-declared supplier part)', () => {
    const data = company({
      parts: [part('P', '電池パック', 'piece'), part('M', 'モジュール', 'piece'), part('C', 'セル', 'kg')],
      bom: [line('P', 'M', '4', 'piece'), line('M', 'C', '0.5', 't', { scrapRate: '0.2' })],
      own: [own('P', '1', '2'), own('M', '0.5', '0.25')],
      tradeLinks: [link('C', 'B-cell')],
    });
    // the supplier declares per 1 t: 1000 pre + 2000 main
    const results = aggregate(
      data,
      new Map([['B-cell', answer('B-cell', '1000', '2000', { declaredUnit: 't' })]]),
    );
    // M per piece: own 0.75 + 0.5 t / 0.8 gross = 0.625 t × 3000 = 1875 → 1875.75; P: 3 + 4 × 1875.75
    expect(stageTotal(results.get('M')?.footprint as never)?.toFixed()).toBe('1875.75');
    expect(stageTotal(results.get('P')?.footprint as never)?.toFixed()).toBe('7506');
    expect(results.get('M')?.lines[0]?.grossDeclaredUnits.toFixed()).toBe('0.625');
  });

  it('counts a supplier part used twice (diamond) twice', () => {
    const data = company({
      parts: [
        part('A', '部品A', 'piece'),
        part('X', '部品X', 'piece'),
        part('Y', '部品Y', 'piece'),
        part('S', 'ねじ', 'kg'),
      ],
      bom: [
        line('A', 'X', '1', 'piece'),
        line('A', 'Y', '2', 'piece'),
        line('X', 'S', '1', 'kg'),
        line('Y', 'S', '3', 'kg'),
        line('A', 'S', '0.5', 'kg'),
      ],
      own: [own('A', '0', '1'), own('X', '0', '0'), own('Y', '0', '0')],
      tradeLinks: [link('S', 'B-screw')],
    });
    const results = aggregate(data, new Map([['B-screw', answer('B-screw', '1', '1')]]));
    // S per kg = 2; A uses 1 + 2 × 3 + 0.5 = 7.5 kg of it
    expect(stageTotal(results.get('A')?.footprint as never)?.toFixed()).toBe('16');
  });

  it('rejects a cycle naming it', () => {
    const data = company({
      parts: [part('A', '部品A', 'piece'), part('B', '部品B', 'piece'), part('C', '部品C', 'piece')],
      bom: [line('A', 'B', '1', 'piece'), line('B', 'C', '1', 'piece'), line('C', 'B', '1', 'piece')],
      own: [own('A', '1', '1'), own('B', '1', '1'), own('C', '1', '1')],
    });
    const err = (() => {
      try {
        aggregate(data, new Map());
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(BomCycle);
    expect((err as BomCycle).cycle).toEqual(['B', 'C', 'B']);
    expect((err as Error).message).toContain('部品B (B) → 部品C (C) → 部品B (B)');
  });

  it('flags a missing answer as partial, naming only the direct supplier part', () => {
    const results = aggregate(workedCheck, new Map());
    const a = results.get('A');
    expect(a?.footprint?.partial).toBe(true);
    expect(stageTotal(a?.footprint as never)?.toFixed()).toBe('23');
    expect(a?.flags).toEqual([
      { code: 'supplier-answer-missing', part: 'A1', supplier: { operatorId: 'op-b', traceId: 'B-1' } },
    ]);
  });

  it('carries an upstream partial answer as partial without naming anyone beyond the supplier', () => {
    const upstream = answer('B-1', '1.5', '10', { partial: true });
    const a = aggregate(workedCheck, new Map([['B-1', upstream]])).get('A');
    expect(a?.footprint?.partial).toBe(true);
    expect(a?.flags).toEqual([
      { code: 'supplier-answer-partial', part: 'A1', supplier: { operatorId: 'op-b', traceId: 'B-1' } },
    ]);
  });

  it('refuses a unit that cannot be converted, naming the part', () => {
    const data = company({
      parts: [part('A', '部品A', 'piece'), part('W', '配線', 'm2')],
      bom: [line('A', 'W', '2', 'm2')],
      own: [own('A', '1', '1')],
      tradeLinks: [link('W', 'B-wire')],
    });
    const run = () => aggregate(data, new Map([['B-wire', answer('B-wire', '1', '1')]]));
    expect(run).toThrow(UnitMismatch);
    expect(run).toThrow(/配線 \(W\): cannot convert m2 to kg/);
  });

  it('converts pieces to kilograms through the part mass, and kg to pieces through productMassPerDeclaredUnit', () => {
    const data = company({
      parts: [
        part('A', '部品A', 'piece'),
        part('N', 'ナット', 'piece', { massPerUnit: '0.02' }),
        part('K', '端子', 'kg'),
      ],
      bom: [line('A', 'N', '10', 'piece'), line('A', 'K', '0.3', 'kg')],
      own: [own('A', '0', '0')],
      tradeLinks: [link('N', 'B-nut'), link('K', 'B-term')],
    });
    const answers = new Map([
      ['B-nut', answer('B-nut', '5', '5')], // per kg
      [
        'B-term',
        answer('B-term', '1', '0', {
          declaredUnit: 'piece',
          declaredUnitAmount: '100',
          productMassPerDeclaredUnit: '1.5',
        }),
      ],
    ]);
    // N: 10 × 0.02 kg × 10 = 2; K: 0.3 kg / 1.5 kg per 100 pieces = 0.2 declared units × 1 = 0.2
    expect(stageTotal(aggregate(data, answers).get('A')?.footprint as never)?.toFixed()).toBe('2.2');
  });

  it('takes a leaf from own data only, and refuses a part that is both bought and made or a leaf with a BOM', () => {
    const data = company({
      parts: [part('A', '部品A', 'piece'), part('R', '原料R（二次データ）', 'kg', { terminatedFlag: true })],
      bom: [line('A', 'R', '2', 'kg')],
      own: [own('A', '1', '1'), own('R', '0.5', '0.25')],
    });
    expect(stageTotal(aggregate(data, new Map()).get('A')?.footprint as never)?.toFixed()).toBe('3.5');
    const both = { ...data, tradeLinks: [link('R', 'B-raw')] };
    expect(() => aggregate(both, new Map())).toThrow(
      /原料R（二次データ） \(R\): is bought \(trade link\) and also has own emissions/,
    );
    const leafWithBom = { ...data, bom: [...data.bom, line('R', 'A', '1', 'piece')] };
    expect(() => aggregate(leafWithBom, new Map(), ['R'])).toThrow(
      /is a leaf \(terminatedFlag\) and also has BOM lines/,
    );
  });

  it('weights by emissions and, when they sum to zero, takes the plain mean', () => {
    const data = company({
      parts: [part('A', '部品A', 'piece'), part('A1', '部品A1', 'kg')],
      bom: [line('A', 'A1', '5', 'kg')],
      own: [own('A', '0', '0', { primaryDataShare: '100' })],
      tradeLinks: [link('A1', 'B-1')],
    });
    const a = aggregate(data, new Map([['B-1', answer('B-1', '0', '0')]])).get('A')?.footprint;
    expect(a?.primaryDataShare?.toFixed()).toBe('70');
    expect(a?.stages?.pre.dqr?.TeR.toFixed()).toBe('1.5');
  });

  it('never zero-fills an additive field some input lacks: it is missing and flagged', () => {
    const full = {
      pcfExcludingBiogenicUptake: '11.5',
      pcfIncludingBiogenicUptake: '11',
      fossilGhgEmissions: '11.5',
      fossilCarbonContent: '0.2',
    };
    const data = company({
      ...workedCheck,
      own: [
        own('A', '3.0', '20.0', {
          pcf: { ...full, pcfExcludingBiogenicUptake: '23', landAreaOccupation: '1' },
        }),
      ],
    });
    const a = aggregate(data, new Map([['B-1', answer('B-1', '1.5', '10', { pcf: full })]])).get('A');
    expect(a?.footprint?.pcf.pcfExcludingBiogenicUptake?.toFixed()).toBe('80.5');
    expect(a?.footprint?.pcf.landAreaOccupation).toBeUndefined();
    expect(a?.footprint?.missing).toContain('pcf.landAreaOccupation');
    expect(a?.flags).toContainEqual({
      code: 'field-missing',
      part: 'A',
      field: 'pcf.landAreaOccupation',
      lacking: ['A1'],
    });
  });

  it('keeps the last-digit noise of a division out of the 6th-decimal rule', () => {
    const data = company({
      parts: [part('A', '部品A', 'piece'), part('A1', '部品A1', 'kg')],
      bom: [line('A', 'A1', '1', 'kg', { yieldRate: '0.6' })],
      own: [own('A', '0', '0')],
      tradeLinks: [link('A1', 'B-1')],
    });
    const a = aggregate(data, new Map([['B-1', answer('B-1', '0', '2.1')]])).get('A')?.footprint;
    // 1 / 0.6 × 2.1 is 3.500…001 in 34 digits: rounding that up would publish 3.50001
    expect(a?.stages?.main.components.toFixed()).toBe('3.500000000000000000000000000000001');
    expect(publish(a as never).stages?.main.components).toBe('3.5');
  });

  it('adds carbon content by net quantity and emissions by gross quantity', () => {
    const pcf = {
      pcfExcludingBiogenicUptake: '1',
      pcfIncludingBiogenicUptake: '1',
      fossilGhgEmissions: '1',
      fossilCarbonContent: '1',
    };
    const data = company({
      parts: [part('A', '部品A', 'piece'), part('A1', '部品A1', 'kg')],
      bom: [line('A', 'A1', '4', 'kg', { yieldRate: '0.8' })],
      own: [
        own('A', '0', '0', {
          pcf: {
            pcfExcludingBiogenicUptake: '0',
            pcfIncludingBiogenicUptake: '0',
            fossilGhgEmissions: '0',
            fossilCarbonContent: '0',
          },
        }),
      ],
      tradeLinks: [link('A1', 'B-1')],
    });
    const a = aggregate(data, new Map([['B-1', answer('B-1', '0', '1', { pcf })]])).get('A')?.footprint;
    expect(a?.pcf.fossilGhgEmissions?.toFixed()).toBe('5');
    expect(a?.pcf.fossilCarbonContent?.toFixed()).toBe('4');
  });
});

describe('outdated results', () => {
  it('marks the parts above a changed answer outdated and recomputes only those', () => {
    const data = company({
      parts: [
        part('A', '部品A', 'piece'),
        part('A1', '部品A1', 'kg'),
        part('Z', '部品Z', 'piece'),
        part('Q', '部品Q', 'piece'),
      ],
      bom: [line('A', 'A1', '5', 'kg'), line('Q', 'Z', '1', 'piece')],
      own: [own('A', '3.0', '20.0'), own('Q', '1', '1'), own('Z', '1', '1')],
      tradeLinks: [link('A1', 'B-1')],
    });
    const before = aggregate(data, new Map([['B-1', answer('B-1', '1.5', '10.0')]]));
    expect([...outdated(data, { upstreamTraceIds: ['B-1'] })].sort()).toEqual(['A', 'A1']);
    const after = refresh(before, data, new Map([['B-1', answer('B-1', '1.5', '12.0')]]), {
      upstreamTraceIds: ['B-1'],
    });
    expect(stageTotal(after.results.get('A')?.footprint as never)?.toFixed()).toBe('90.5');
    expect(after.results.get('Q')).toBe(before.get('Q'));
    expect(after.results.get('A')).not.toBe(before.get('A'));
  });
});
