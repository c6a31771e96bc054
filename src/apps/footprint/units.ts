import { Dec } from './decimal.js';
import { UnitMismatch } from './errors.js';

/**
 * The units a part, a BOM line or a declared unit can be in. One dimension each; conversions inside a
 * dimension are exact factors, across dimensions only through a mass (kg per unit), never guessed.
 */
export const units = ['kg', 't', 'l', 'm3', 'kWh', 'MJ', 'tkm', 'm2', 'piece'] as const;
export type Unit = (typeof units)[number];

type Dimension = 'mass' | 'volume' | 'energy' | 'transport' | 'area' | 'count';

/** Factor to the dimension's base unit (kg, l, MJ, tkm, m², piece). */
const table: Record<Unit, { readonly dimension: Dimension; readonly factor: Dec }> = {
  kg: { dimension: 'mass', factor: new Dec(1) },
  t: { dimension: 'mass', factor: new Dec(1000) },
  l: { dimension: 'volume', factor: new Dec(1) },
  m3: { dimension: 'volume', factor: new Dec(1000) },
  MJ: { dimension: 'energy', factor: new Dec(1) },
  kWh: { dimension: 'energy', factor: new Dec('3.6') },
  tkm: { dimension: 'transport', factor: new Dec(1) },
  m2: { dimension: 'area', factor: new Dec(1) },
  piece: { dimension: 'count', factor: new Dec(1) },
};

/** Spellings accepted in BOM files and by the mappings (Ouranos, PACT, Japanese), case-insensitive. */
const aliases: Record<string, Unit> = {
  kg: 'kg',
  kilogram: 'kg',
  kilograms: 'kg',
  キログラム: 'kg',
  t: 't',
  ton: 't',
  tonne: 't',
  tonnes: 't',
  トン: 't',
  l: 'l',
  liter: 'l',
  litre: 'l',
  liters: 'l',
  リットル: 'l',
  m3: 'm3',
  'm³': 'm3',
  'cubic meter': 'm3',
  'cubic-meter': 'm3',
  立方メートル: 'm3',
  kwh: 'kWh',
  'kilowatt hour': 'kWh',
  'kilowatt-hour': 'kWh',
  mj: 'MJ',
  megajoule: 'MJ',
  tkm: 'tkm',
  t·km: 'tkm',
  't.km': 'tkm',
  'ton kilometer': 'tkm',
  'ton-kilometer': 'tkm',
  トンキロ: 'tkm',
  m2: 'm2',
  'm²': 'm2',
  'square meter': 'm2',
  'square-meter': 'm2',
  平方メートル: 'm2',
  piece: 'piece',
  pieces: 'piece',
  pc: 'piece',
  pcs: 'piece',
  unit: 'piece',
  units: 'piece',
  個: 'piece',
  本: 'piece',
  枚: 'piece',
};

/** The unit a spelling means, or undefined for one the model does not know. */
export function parseUnit(text: string): Unit | undefined {
  return aliases[text.normalize('NFKC').trim().toLowerCase()] ?? aliases[text.trim()];
}

export function dimensionOf(unit: Unit): Dimension {
  return table[unit].dimension;
}

/** `quantity` of `from` expressed in `to`; undefined when the two are different dimensions. */
export function convert(quantity: Dec, from: Unit, to: Unit): Dec | undefined {
  if (from === to) return quantity;
  const a = table[from];
  const b = table[to];
  return a.dimension === b.dimension ? quantity.times(a.factor).div(b.factor) : undefined;
}

/** What is needed to express a BOM line's quantity in the child footprint's declared units. */
export interface DeclaredUnitsInput {
  readonly part: {
    readonly traceId: string;
    readonly name: string;
    readonly unit: Unit;
    readonly massPerUnit?: Dec;
  };
  readonly quantity: Dec;
  readonly unit: Unit;
  readonly declaredUnit: Unit;
  readonly declaredUnitAmount: Dec;
  readonly productMassPerDeclaredUnit?: Dec;
}

/**
 * How many declared units (each `declaredUnitAmount` × `declaredUnit`) a quantity is. Across dimensions the
 * quantity goes through kilograms: the line's unit to kg by the part's own mass per unit, kg to declared
 * units by the footprint's `productMassPerDeclaredUnit`. Anything else is a `UnitMismatch` naming the part.
 */
export function inDeclaredUnits(x: DeclaredUnitsInput): Dec {
  const direct = convert(x.quantity, x.unit, x.declaredUnit);
  if (direct) return direct.div(x.declaredUnitAmount);
  const kg = toKilograms(x);
  const inMass = convert(kg, 'kg', x.declaredUnit);
  if (inMass) return inMass.div(x.declaredUnitAmount);
  const mass = x.productMassPerDeclaredUnit;
  if (!mass || mass.lte(0))
    throw new UnitMismatch(
      x.part.traceId,
      x.part.name,
      x.unit,
      x.declaredUnit,
      'the footprint states no productMassPerDeclaredUnit',
    );
  return kg.div(mass);
}

function toKilograms(x: DeclaredUnitsInput): Dec {
  const kg = convert(x.quantity, x.unit, 'kg');
  if (kg) return kg;
  const inPartUnits = convert(x.quantity, x.unit, x.part.unit);
  if (!inPartUnits || !x.part.massPerUnit)
    throw new UnitMismatch(
      x.part.traceId,
      x.part.name,
      x.unit,
      x.declaredUnit,
      inPartUnits ? `the part has no mass per ${x.part.unit}` : `the part is counted in ${x.part.unit}`,
    );
  return inPartUnits.times(x.part.massPerUnit);
}
