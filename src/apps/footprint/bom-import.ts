import { readCsv } from './bom-csv.js';
import { type JsonNode, readJson } from './bom-json.js';
import { Dec } from './decimal.js';
import { BomImportError } from './errors.js';
import type { BomLine } from './model.js';
import { parseUnit, units } from './units.js';

/**
 * BOM files (CSV with a header row, or JSON: an array of lines or `{ "lines": [...] }`) into BOM lines.
 * Parts are named by the company's own ids; names (Japanese or not) come along. The first bad line stops
 * the import with a `BomImportError` naming the line (1-based, as an editor shows it) and the reason.
 */
export interface ImportedBom {
  readonly lines: readonly BomLine[];
  /** Part id → name, where the file gave one. */
  readonly names: ReadonlyMap<string, string>;
}

type Column =
  | 'parent'
  | 'child'
  | 'quantity'
  | 'unit'
  | 'parentName'
  | 'childName'
  | 'scrapRate'
  | 'yieldRate';

const columnNames: Record<string, Column> = {
  parent: 'parent',
  parenttraceid: 'parent',
  親部品: 'parent',
  親品番: 'parent',
  child: 'child',
  childtraceid: 'child',
  子部品: 'child',
  子品番: 'child',
  quantity: 'quantity',
  qty: 'quantity',
  数量: 'quantity',
  員数: 'quantity',
  unit: 'unit',
  単位: 'unit',
  parentname: 'parentName',
  親部品名: 'parentName',
  親品名: 'parentName',
  childname: 'childName',
  子部品名: 'childName',
  子品名: 'childName',
  scraprate: 'scrapRate',
  scrap: 'scrapRate',
  ロス率: 'scrapRate',
  不良率: 'scrapRate',
  yieldrate: 'yieldRate',
  yield: 'yieldRate',
  歩留: 'yieldRate',
  歩留まり: 'yieldRate',
  歩留り: 'yieldRate',
};
const required: readonly Column[] = ['parent', 'child', 'quantity', 'unit'];

function columnOf(name: string, line: number): Column {
  const column =
    columnNames[
      name
        .normalize('NFKC')
        .toLowerCase()
        .replace(/[\s_-]/g, '')
    ];
  if (!column)
    throw new BomImportError(
      line,
      `unknown column ${JSON.stringify(name)} (expected ${required.join(', ')}, optionally parentName, childName, scrapRate or yieldRate)`,
    );
  return column;
}

export function importBom(text: string, format: 'csv' | 'json'): ImportedBom {
  const rows = format === 'csv' ? csvRows(text) : jsonRows(text);
  const names = new Map<string, string>();
  const lines = rows.map(({ line, get }) => bomLine(line, get, names));
  if (lines.length === 0) throw new BomImportError(1, 'the file has no BOM lines');
  return { lines, names };
}

interface Row {
  readonly line: number;
  readonly get: (c: Column) => string | undefined;
}

function csvRows(text: string): Row[] {
  const [header, ...records] = readCsv(text);
  if (!header) throw new BomImportError(1, 'the file is empty');
  const columns = header.fields.map((f) => columnOf(f.trim(), header.line));
  for (const c of required)
    if (!columns.includes(c)) throw new BomImportError(header.line, `the header has no ${c} column`);
  return records.map(({ line, fields }) => {
    if (fields.length !== columns.length)
      throw new BomImportError(line, `${fields.length} fields where the header has ${columns.length}`);
    return { line, get: (c) => fields[columns.indexOf(c)]?.trim() || undefined };
  });
}

function jsonRows(text: string): Row[] {
  const root = readJson(text);
  const list = root.kind === 'object' ? root.members.get('lines') : root;
  if (list?.kind !== 'array')
    throw new BomImportError(root.line, 'expected an array of BOM lines or { "lines": [...] }');
  return list.items.map((item) => {
    if (item.kind !== 'object') throw new BomImportError(item.line, 'a BOM line must be an object');
    const values = new Map<Column, string>();
    for (const [name, node] of item.members) values.set(columnOf(name, node.line), scalar(node, name));
    return { line: item.line, get: (c) => values.get(c)?.trim() || undefined };
  });
}

function scalar(node: JsonNode, name: string): string {
  if (node.kind === 'string') return node.value;
  if (node.kind === 'number') return node.raw;
  throw new BomImportError(node.line, `${name} must be a string or a number`);
}

function bomLine(line: number, get: Row['get'], names: Map<string, string>): BomLine {
  const parent = get('parent');
  const child = get('child');
  if (!parent) throw new BomImportError(line, 'the parent part is empty');
  if (!child) throw new BomImportError(line, 'the child part is empty');
  if (parent === child) throw new BomImportError(line, `part ${parent} cannot contain itself`);
  name(line, parent, get('parentName'), names);
  name(line, child, get('childName'), names);
  const quantity = decimal(line, 'quantity', get('quantity'));
  if (quantity.lte(0)) throw new BomImportError(line, `quantity ${get('quantity')} must be greater than 0`);
  const unitText = get('unit') ?? '';
  const unit = parseUnit(unitText);
  if (!unit)
    throw new BomImportError(line, `unknown unit ${JSON.stringify(unitText)} (known: ${units.join(', ')})`);
  const scrapRate = rate(line, 'scrapRate', get('scrapRate'));
  const yieldRate = rate(line, 'yieldRate', get('yieldRate'));
  if (scrapRate && yieldRate) throw new BomImportError(line, 'give either scrapRate or yieldRate, not both');
  if (scrapRate?.gte(1)) throw new BomImportError(line, `scrapRate ${get('scrapRate')} must be below 100 %`);
  if (yieldRate?.lte(0)) throw new BomImportError(line, `yieldRate ${get('yieldRate')} must be above 0`);
  return {
    parentTraceId: parent,
    childTraceId: child,
    quantity: quantity.toFixed(),
    unit,
    ...(scrapRate ? { scrapRate: scrapRate.toFixed() } : {}),
    ...(yieldRate ? { yieldRate: yieldRate.toFixed() } : {}),
  };
}

function name(line: number, id: string, given: string | undefined, names: Map<string, string>): void {
  if (given === undefined) return;
  const known = names.get(id);
  if (known !== undefined && known !== given)
    throw new BomImportError(
      line,
      `part ${id} is named ${JSON.stringify(given)} here and ${JSON.stringify(known)} before`,
    );
  names.set(id, given);
}

const decimalText = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function decimal(line: number, what: string, raw: string | undefined): Dec {
  if (raw === undefined) throw new BomImportError(line, `${what} is empty`);
  const text = raw.normalize('NFKC').trim();
  if (!decimalText.test(text))
    throw new BomImportError(line, `${what} ${JSON.stringify(raw)} is not a number`);
  const value = new Dec(text);
  if (value.isNegative() && !value.isZero()) throw new BomImportError(line, `${what} ${raw} is negative`);
  return value;
}

/** A rate as a fraction (0.05) or a percentage ("5%"), between 0 and 1. */
function rate(line: number, what: string, raw: string | undefined): Dec | undefined {
  if (raw === undefined) return undefined;
  const text = raw.normalize('NFKC').trim();
  const value = text.endsWith('%')
    ? decimal(line, what, text.slice(0, -1)).div(100)
    : decimal(line, what, text);
  if (value.gt(1)) throw new BomImportError(line, `${what} ${raw} is above 100 %`);
  return value;
}
