import { describe, expect, it } from 'vitest';
import { importBom } from './bom-import.js';
import { BomImportError } from './errors.js';

const csv = [
  '親品番,親品名,子品番,子品名,数量,単位,ロス率',
  'PK-100,電池パック,MD-10,モジュール,4,個,',
  'MD-10,モジュール,CL-1,"セル ""角形""",12,個,2%',
  'CL-1,"セル ""角形""",CA-7,正極材（NCM811）,0.35,kg,0.05',
  '',
].join('\r\n');

const lineOf = (f: () => unknown): { line: number; message: string } => {
  try {
    f();
  } catch (e) {
    if (e instanceof BomImportError) return { line: e.line, message: e.message };
    throw e;
  }
  throw new Error('accepted');
};

describe('BOM import', () => {
  it('reads a CSV with Japanese headers, names, units and a percentage scrap rate', () => {
    const bom = importBom(csv, 'csv');
    expect(bom.lines).toEqual([
      { parentTraceId: 'PK-100', childTraceId: 'MD-10', quantity: '4', unit: 'piece' },
      { parentTraceId: 'MD-10', childTraceId: 'CL-1', quantity: '12', unit: 'piece', scrapRate: '0.02' },
      { parentTraceId: 'CL-1', childTraceId: 'CA-7', quantity: '0.35', unit: 'kg', scrapRate: '0.05' },
    ]);
    expect(bom.names.get('CL-1')).toBe('セル "角形"');
    expect(bom.names.get('CA-7')).toBe('正極材（NCM811）');
  });

  it('names the line of a negative, non-numeric or zero quantity and of an unknown unit', () => {
    const header = 'parent,child,quantity,unit\n';
    expect(lineOf(() => importBom(`${header}P,C,1,kg\nP,D,-2,kg\n`, 'csv'))).toEqual({
      line: 3,
      message: 'line 3: quantity -2 is negative',
    });
    expect(lineOf(() => importBom(`${header}P,C,１０本,個\n`, 'csv')).message).toBe(
      'line 2: quantity "１０本" is not a number',
    );
    expect(lineOf(() => importBom(`${header}\nP,C,0,kg\n`, 'csv')).line).toBe(3);
    expect(lineOf(() => importBom(`${header}P,C,1,箱\n`, 'csv')).message).toMatch(
      /^line 2: unknown unit "箱" \(known: kg, t, l/,
    );
  });

  it('counts lines inside quoted fields that span lines', () => {
    const text = 'parent,childName,child,quantity,unit\nP,"ボルト\n（M8）",C,1,kg\nP,ナット,D,x,kg\n';
    expect(lineOf(() => importBom(text, 'csv')).line).toBe(4);
  });

  it('rejects an unknown column and a short row', () => {
    expect(lineOf(() => importBom('parent,child,quantity,unit,colour\n', 'csv')).message).toContain(
      'unknown column "colour"',
    );
    expect(lineOf(() => importBom('parent,child,quantity,unit\nP,C,1\n', 'csv')).message).toBe(
      'line 2: 3 fields where the header has 4',
    );
  });

  it('reads JSON keeping number literals exact, and names the line of a bad entry', () => {
    const json = `{
  "lines": [
    { "parent": "PK-100", "child": "CL-1", "childName": "セル", "quantity": 0.1, "unit": "kg" },
    { "parent": "PK-100", "child": "CA-7", "childName": "正極材", "quantity": 1e-3, "unit": "t", "yieldRate": "95%" }
  ]
}`;
    const bom = importBom(json, 'json');
    expect(bom.lines.map((l) => [l.quantity, l.unit, l.yieldRate])).toEqual([
      ['0.1', 'kg', undefined],
      ['0.001', 't', '0.95'],
    ]);
    const bad = json.replace('"quantity": 1e-3', '"quantity": "三"');
    expect(lineOf(() => importBom(bad, 'json'))).toEqual({
      line: 4,
      message: 'line 4: quantity "三" is not a number',
    });
    expect(
      lineOf(() =>
        importBom('[\n{"parent": "P", "child": "C", "quantity": 1, "unit": "kg"},\n{"parent": }\n]', 'json'),
      ).line,
    ).toBe(3);
  });
});
